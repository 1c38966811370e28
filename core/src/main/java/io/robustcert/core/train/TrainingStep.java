package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import io.robustcert.core.optim.Adam;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One optimisation step: the method's loss on a float32 tape, its gradient, an Adam step. Runs in the
 * bound workspace, so every temporary of the tape is reused memory (fresh off-heap arrays cost more in page
 * faults than in arithmetic, see {@link Workspaces}); parameters and optimiser state live outside it and
 * are updated in place.
 */
public final class TrainingStep {

    private TrainingStep() {
    }

    /**
     * @param beforeUpdate sees the gradients (parallel to the parameters) before the optimiser uses them;
     *                     they are workspace memory: read them, do not keep them
     * @return the loss before the step
     */
    public static double run(TrainableModel model, Adam optimizer, TrainingMethod method, Batch batch,
                             LossSettings settings, double lr, Consumer<List<INDArray>> beforeUpdate) {
        return run(model, optimizer, method, batch, settings, lr, 0, beforeUpdate);
    }

    /**
     * The same step with the loss and gradient computed {@code microBatch} samples at a time (0: all at once);
     * see {@link #lossAndGradients(TrainableModel, TrainingMethod, List, Batch, LossSettings, int, List)}.
     */
    public static double run(TrainableModel model, Adam optimizer, TrainingMethod method, Batch batch,
                             LossSettings settings, double lr, int microBatch, Consumer<List<INDArray>> beforeUpdate) {
        return Workspaces.compute(() -> {
            List<INDArray> gradients = new ArrayList<>();
            double loss = lossAndGradients(model, method, model.parameters(), batch, settings, microBatch, gradients);
            beforeUpdate.accept(gradients);
            optimizer.step(gradients, lr);
            return loss;
        });
    }

    /**
     * The method's loss at {@code parameters} (parallel to the model's) on a float32 tape; its gradient with
     * respect to them is appended to {@code gradientOut} when that is non-null (zeros where the loss does not
     * depend on a parameter).
     */
    public static double lossAndGradients(TrainableModel model, TrainingMethod method, List<INDArray> parameters,
                                          Batch batch, LossSettings settings, List<INDArray> gradientOut) {
        return lossAndGradients(model, method, parameters, batch, settings, 0, gradientOut);
    }

    /**
     * The same, computed on slices of at most {@code microBatch} samples (0 or ≥ the batch size: the whole
     * batch at once) whose losses and gradients are summed with weights slice size / batch size. Every
     * method's loss is a mean over samples of a per-sample term (the bounds, slopes and the κ mix are per
     * sample), so this is the batch's loss and gradient, up to float rounding; what it changes is memory:
     * each slice's tape lives in a workspace emptied before the next one, so the peak is one slice's tape
     * (a CROWN-IBP tape holds [samples × 9, neurons] coefficients per layer).
     */
    public static double lossAndGradients(TrainableModel model, TrainingMethod method, List<INDArray> parameters,
                                          Batch batch, LossSettings settings, int microBatch, List<INDArray> gradientOut) {
        if (microBatch < 0) {
            throw new IllegalArgumentException("micro-batch size must be ≥ 0, got " + microBatch);
        }
        int n = batch.size();
        if (microBatch == 0 || microBatch >= n) {
            return onOneTape(model, method, parameters, batch, settings, gradientOut);
        }
        List<INDArray> sums = new ArrayList<>();
        if (gradientOut != null) {
            for (INDArray p : parameters) {
                sums.add(Nd4j.zeros(p.dataType(), p.shape()));
            }
        }
        double loss = 0;
        for (int from = 0; from < n; from += microBatch) {
            int to = Math.min(n, from + microBatch);
            double weight = (double) (to - from) / n;
            Batch slice = slice(batch, from, to);
            loss += Workspaces.microBatch(() -> {
                List<INDArray> g = gradientOut == null ? null : new ArrayList<>();
                double l = onOneTape(model, method, parameters, slice, settings, g);
                if (g != null) {
                    for (int k = 0; k < g.size(); k++) {
                        sums.get(k).addi(g.get(k).castTo(sums.get(k).dataType()).muli(weight));
                    }
                }
                return l * weight;
            });
        }
        if (gradientOut != null) {
            gradientOut.addAll(sums);
        }
        return loss;
    }

    /** Samples [from, to) of a batch (a copy: the slice's tape may not keep views of the batch's memory). */
    static Batch slice(Batch batch, int from, int to) {
        INDArray inputs = batch.inputs().get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to)).dup();
        return new Batch(inputs, java.util.Arrays.copyOfRange(batch.labels(), from, to),
                java.util.Arrays.copyOfRange(batch.indices(), from, to));
    }

    private static double onOneTape(TrainableModel model, TrainingMethod method, List<INDArray> parameters,
                                    Batch batch, LossSettings settings, List<INDArray> gradientOut) {
        Tape tape = new Tape(DataType.FLOAT);
        List<Var> vars = TrainableModel.onTape(tape, parameters, gradientOut != null);
        Var loss = method.loss(tape, model, vars, batch, settings);
        if (gradientOut != null) {
            tape.backward(loss);
            for (Var v : vars) {
                gradientOut.add(v.grad() == null ? Nd4j.zeros(v.value().dataType(), v.shape()) : v.grad());
            }
        }
        return loss.scalar();
    }
}
