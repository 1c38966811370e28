package io.robustcert.core.train;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.autodiff.VarBounds;
import io.robustcert.core.autodiff.VarLinearBound;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The training passes of one batch on a tape, differentiable in the parameters: the clean forward pass,
 * IBP with the specification folded into the last layer (method.md §2), and the CROWN-IBP backward pass
 * over IBP's intermediate bounds (§3.2). Parameters come per layer, in {@link Layer#parameters()} order.
 */
public final class CertifiedPasses {

    /** IBP's margin lower bounds {@code [B, K−1]} and the interval entering each layer. */
    public record IbpPass(Var margins, List<VarBounds> layerInputs) {
    }

    private final Tape tape;
    private final Network network;
    private final List<List<Var>> parameters;
    private final int[] labels;
    private final int classes;
    private final int[] foldedRows;
    private Var foldedWeight;
    private Var foldedBias;

    /**
     * @param parameters per layer, the tape values of its parameters
     * @param labels     the batch's labels (the specification rows e_y − e_j, j ≠ y ascending)
     */
    public CertifiedPasses(Tape tape, Network network, List<List<Var>> parameters, int[] labels) {
        this.tape = tape;
        this.network = network;
        this.parameters = parameters;
        this.labels = labels.clone();
        this.classes = network.numClasses();
        this.foldedRows = new int[labels.length * (classes - 1)];
        int k = 0;
        for (int y : labels) {
            if (y < 0 || y >= classes) {
                throw new IllegalArgumentException("label " + y + " outside 0.." + (classes - 1));
            }
            for (int j = 0; j < classes; j++) {
                if (j != y) {
                    foldedRows[k++] = y * classes + j;
                }
            }
        }
    }

    public int batch() {
        return labels.length;
    }

    public int rows() {
        return classes - 1;
    }

    /** Clean logits {@code [B, K]}. */
    public Var logits(Var inputs) {
        Var x = tape.reshape(inputs, withBatch(network.inputShape()));
        for (int i = 0; i < network.size(); i++) {
            x = network.layer(i).forward(tape, x, parameters.get(i));
        }
        return x;
    }

    /** IBP from the box [lower, upper] (inputs' shape), margins by the folded last layer. */
    public IbpPass ibp(INDArray lower, INDArray upper) {
        VarBounds b = new VarBounds(tape.constant(lower.reshape('c', withBatch(network.inputShape()))),
                tape.constant(upper.reshape('c', withBatch(network.inputShape()))));
        List<VarBounds> inputs = new ArrayList<>();
        int last = network.size() - 1;
        for (int i = 0; i < last; i++) {
            inputs.add(b);
            b = network.layer(i).interval(tape, b, parameters.get(i));
        }
        inputs.add(b);
        Var centre = tape.scale(tape.add(b.lower(), b.upper()), 0.5);
        Var radius = tape.scale(tape.sub(b.upper(), b.lower()), 0.5);
        fold();
        Var c = tape.linear(centre, foldedWeight, foldedBias);
        Var r = tape.linear(radius, tape.abs(foldedWeight), null);
        Var all = tape.sub(c, r);
        int[][] columns = new int[labels.length][classes - 1];
        for (int i = 0; i < labels.length; i++) {
            System.arraycopy(foldedRows, i * (classes - 1), columns[i], 0, classes - 1);
        }
        return new IbpPass(tape.gatherColumns(all, columns), inputs);
    }

    /**
     * CROWN-IBP margin lower bounds {@code [B, K−1]}: one backward pass from the folded specification to
     * the input box, each ReLU relaxed on its IBP interval with lower slopes from {@code slopes}.
     */
    public Var crownIbp(IbpPass ibp, INDArray lower, INDArray upper, SlopeChoice slopes) {
        fold();
        long batch = labels.length;
        long rows = classes - 1;
        Var lambda = tape.gatherRows(foldedWeight, foldedRows);
        Var bias = tape.reshape(tape.gatherRows(tape.reshape(foldedBias, (long) classes * classes, 1), foldedRows),
                batch * rows);
        VarLinearBound bound = new VarLinearBound(lambda, bias, batch, rows);
        int[] ordinals = network.reluOrdinals();
        for (int i = network.size() - 2; i >= 0; i--) {
            bound = network.layer(i).backward(tape, bound, ibp.layerInputs().get(i), slopes, ordinals[i],
                    parameters.get(i));
        }
        long n = network.inputSize();
        INDArray lo = lower.reshape('c', batch, n);
        INDArray hi = upper.reshape('c', batch, n);
        Var centre = tape.constant(lo.add(hi).muli(0.5));
        Var radius = tape.constant(hi.sub(lo).muli(0.5));
        Var coefficients = tape.reshape(bound.coefficients(), batch * rows, n);
        Var value = tape.sub(tape.rowDot(coefficients, centre, batch), tape.rowDot(tape.abs(coefficients), radius, batch));
        return tape.reshape(tape.add(value, bound.bias()), batch, rows);
    }

    /** W' = E·W_L and b' = E·b_L for every (y, j) pair, row y·K + j: rows e_y − e_j of the specification. */
    private void fold() {
        if (foldedWeight != null) {
            return;
        }
        INDArray e = Nd4j.zeros(tape.dataType(), (long) classes * classes, classes);
        for (int y = 0; y < classes; y++) {
            for (int j = 0; j < classes; j++) {
                e.putScalar(y * classes + j, y, 1.0);
                e.putScalar(y * classes + j, j, e.getDouble(y * classes + j, j) - 1.0);
            }
        }
        List<Var> last = parameters.get(network.size() - 1);
        Var spec = tape.constant(e);
        foldedWeight = tape.matmul(spec, last.get(0));
        foldedBias = tape.reshape(tape.matmul(spec, tape.reshape(last.get(1), classes, 1)), (long) classes * classes);
    }

    private long[] withBatch(long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = labels.length;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}
