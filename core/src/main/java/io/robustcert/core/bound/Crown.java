package io.robustcert.core.bound;

import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.relax.LowerSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Full CROWN (method.md §3.3), for certification: the first ReLU's input bounds come from intervals
 * (exact for a box through an affine map); every later ReLU's input bounds come from a backward pass
 * started with the identity on that ReLU's input (both signs: the lower bound of −z is −upper).
 * They are intersected with the interval bounds, which is sound (both are) and never looser. The
 * final margins use the usual pass from the folded specification.
 *
 * <p>The identity rows are processed in chunks so that a coefficient tensor stays within
 * {@link #CHUNK_ELEMENTS} elements; the cost grows with the number of neurons, as CROWN's does.
 */
public final class Crown implements BoundMethod {

    static final long CHUNK_ELEMENTS = 1L << 22;

    private final LowerSlopeRule rule;

    public Crown() {
        this(FixedSlopeRule.ADAPTIVE);
    }

    public Crown(LowerSlopeRule rule) {
        this.rule = rule;
    }

    @Override
    public boolean perExample() {
        return rule instanceof FixedSlopeRule;
    }

    @Override
    public String label() {
        return "crown";
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        // No workspace around the whole call: it would keep every chunk's temporaries. Each chunk and the
        // final pass get their own (reused) workspace scope instead; the bounds between them live outside.
        BoundPropagation.Batch batch = BoundPropagation.batch(network, inputs, labels, ball, precision);
        List<IntervalBounds> bounds = refinedBounds(network, batch.box(), rule, precision);
        return Workspaces.compute(() -> batch.result(label(),
                BoundPropagation.marginLower(network, labels, bounds, rule, precision)));
    }

    /** Bounds of every layer's input, ReLU inputs after the first tightened by backward passes. */
    static List<IntervalBounds> refinedBounds(Network network, IntervalBounds box, LowerSlopeRule rule, Precision precision) {
        List<IntervalBounds> bounds = new ArrayList<>();
        bounds.add(box);
        boolean seenRelu = false;
        for (int k = 0; k < network.size(); k++) {
            if (k > 0) {
                bounds.add(network.layer(k - 1).interval(bounds.get(k - 1), precision));
            }
            if (network.layer(k) instanceof Relu) {
                if (seenRelu) {
                    bounds.set(k, bounds.get(k).intersect(backwardBounds(network, k, bounds, rule, precision)));
                }
                seenRelu = true;
            }
        }
        return bounds;
    }

    /** Bounds of the input of layer k by back-substitution of ±identity through layers k−1..0. */
    private static IntervalBounds backwardBounds(Network network, int k, List<IntervalBounds> bounds,
                                                 LowerSlopeRule rule, Precision precision) {
        IntervalBounds target = bounds.get(k);
        long batch = target.batchSize();
        long n = target.lower().length() / Math.max(1, batch);
        long widest = network.layers().stream().limit(k).mapToLong(l -> Math.max(
                io.robustcert.core.layer.Layer.elements(l.inputShape()),
                io.robustcert.core.layer.Layer.elements(l.outputShape()))).max().orElse(n);
        long chunk = Math.max(1, Math.min(n, CHUNK_ELEMENTS / Math.max(1, 2 * batch * widest)));
        var type = precision.dataType();
        INDArray lower = Nd4j.create(type, batch, n);
        INDArray upper = Nd4j.create(type, batch, n);
        long[] shape = target.lower().shape();
        for (long start = 0; start < n; start += chunk) {
            int r = (int) Math.min(chunk, n - start);
            long from = start;
            Workspaces.compute(() -> {
                LinearBound identity = identityRows(batch, from, r, n, shape, type);
                INDArray rows = BoundPropagation.backwardLower(network, identity, k, bounds, rule, precision);
                lower.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + r))
                        .assign(rows.get(NDArrayIndex.all(), NDArrayIndex.interval(0, r)));
                upper.get(NDArrayIndex.all(), NDArrayIndex.interval(from, from + r))
                        .assign(rows.get(NDArrayIndex.all(), NDArrayIndex.interval(r, 2L * r)).neg());
                return null;
            });
        }
        return new IntervalBounds(lower.reshape('c', shape), upper.reshape('c', shape));
    }

    /** Rows +e_i then −e_i for i in [from, from + r), per example, over a variable of the given shape. */
    private static LinearBound identityRows(long batch, long from, int r, long n, long[] shape,
                                            org.nd4j.linalg.api.buffer.DataType type) {
        long[] coefficientShape = shape.clone();
        coefficientShape[0] = batch * 2L * r;
        INDArray coefficients = Nd4j.zeros(type, batch * 2L * r, n);
        for (long b = 0; b < batch; b++) {
            for (int i = 0; i < r; i++) {
                coefficients.putScalar(new long[] {b * 2L * r + i, from + i}, 1.0);
                coefficients.putScalar(new long[] {b * 2L * r + r + i, from + i}, -1.0);
            }
        }
        return new LinearBound(coefficients.reshape('c', coefficientShape), Nd4j.zeros(type, batch * 2L * r), batch, 2L * r);
    }
}
