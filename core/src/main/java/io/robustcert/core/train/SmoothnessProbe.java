package io.robustcert.core.train;

import io.robustcert.core.data.Batch;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The loss-landscape measurements of method.md §10.3 on the current batch: plain gradient steps
 * θ_λ = θ − λ·η·g along the weight gradient g for the λ grid, and at each the loss, the gradient difference
 * RMS(g − g_λ) and the cosine distance 1 − cos∠(g, g_λ); plus the loss at the final ε with κ = 0. The
 * paper's normalised gradient difference divides by λ = 0 and by one layer's gradient only (§14); it is
 * not reported.
 */
public final class SmoothnessProbe {

    /** λ = 0, ten log-spaced values from 0.5 to 5, then 1, in that order (§10.3). */
    public static final double[] LAMBDAS = lambdas();

    /** One probe's results, parallel to {@link #LAMBDAS}. */
    public record Measures(long step, double lossAtMaxEpsilon, double[] loss, double[] gradientDifference,
                           double[] cosineDistance) {

        /** max − min of the loss along the gradient: the paper's "loss variation". */
        public double lossVariation() {
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (double v : loss) {
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            return hi - lo;
        }
    }

    private SmoothnessProbe() {
    }

    /**
     * @param gradient ∂L/∂θ at the model's current parameters on this batch
     * @param lr       the optimiser's current learning rate η
     */
    public static Measures measure(long step, TrainingMethod method, TrainableModel model, List<INDArray> gradient,
                                   Batch batch, LossSettings settings, double maxEpsilon, double lr) {
        return measure(step, method, model, gradient, batch, settings, maxEpsilon, lr, 0);
    }

    /** The same with every loss and gradient computed {@code microBatch} samples at a time (0: all at once). */
    public static Measures measure(long step, TrainingMethod method, TrainableModel model, List<INDArray> gradient,
                                   Batch batch, LossSettings settings, double maxEpsilon, double lr, int microBatch) {
        double atMax = Workspaces.scratch(() -> TrainingStep.lossAndGradients(model, method, model.parameters(), batch,
                settings.withEpsilon(maxEpsilon).withKappa(0), microBatch, null));
        double[] losses = new double[LAMBDAS.length];
        double[] diffs = new double[LAMBDAS.length];
        double[] cosines = new double[LAMBDAS.length];
        long count = 0;
        for (INDArray g : gradient) {
            count += g.length();
        }
        for (int i = 0; i < LAMBDAS.length; i++) {
            double lambda = LAMBDAS[i];
            // One scratch scope per λ: twelve tapes inside the step's workspace would need twelve times its memory.
            double[] r = Workspaces.scratch(() -> {
                List<INDArray> moved = new ArrayList<>();
                for (int k = 0; k < gradient.size(); k++) {
                    moved.add(model.parameters().get(k).sub(gradient.get(k).mul(lambda * lr)));
                }
                List<INDArray> g2 = new ArrayList<>();
                double loss = TrainingStep.lossAndGradients(model, method, moved, batch, settings, microBatch, g2);
                double dot = 0;
                double n1 = 0;
                double n2 = 0;
                double sq = 0;
                for (int k = 0; k < gradient.size(); k++) {
                    INDArray a = gradient.get(k).castTo(DataType.DOUBLE);
                    INDArray b = g2.get(k).castTo(DataType.DOUBLE);
                    dot += a.mul(b).sumNumber().doubleValue();
                    n1 += a.mul(a).sumNumber().doubleValue();
                    n2 += b.mul(b).sumNumber().doubleValue();
                    INDArray d = a.sub(b);
                    sq += d.mul(d).sumNumber().doubleValue();
                }
                return new double[] {loss, dot, n1, n2, sq};
            });
            losses[i] = r[0];
            diffs[i] = Math.sqrt(r[4] / count);
            cosines[i] = 1 - r[1] / Math.sqrt(r[2] * r[3]);
        }
        return new Measures(step, atMax, losses, diffs, cosines);
    }

    private static double[] lambdas() {
        double[] l = new double[12];
        for (int i = 0; i < 10; i++) {
            l[i + 1] = 0.5 * Math.pow(10.0, i / 9.0);
        }
        l[11] = 1.0;
        return l;
    }
}
