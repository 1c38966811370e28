package io.robustcert.core.loss;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Cross-entropy on worst-case margins (method.md §3.5): per example the K-vector with 0 at the true
 * class and −lb_j at every other class, fed to softmax cross-entropy with the true class, averaged:
 * L = mean_i log(1 + Σ_j exp(−lb_ij)). Also the natural cross-entropy of logits, and the κ mix.
 */
public final class RobustCrossEntropy {

    /** A loss value and its gradient with respect to the input it was computed from. */
    public record ValueAndGradient(double value, INDArray gradient) {
    }

    private RobustCrossEntropy() {
    }

    /**
     * @param lower margin lower bounds {@code [B, K−1]}
     * @return the mean robust loss and ∂L/∂lower {@code [B, K−1]}
     */
    public static ValueAndGradient robust(INDArray lower) {
        long b = lower.size(0);
        // z = [0, −lb]: log Σ exp(z) with the usual max shift; ∂L_i/∂lb_j = −softmax(z)_j.
        INDArray z = Nd4j.hstack(Nd4j.zeros(lower.dataType(), b, 1), lower.neg());
        INDArray softmax = softmax(z);
        double value = logSumExp(z).meanNumber().doubleValue();
        INDArray gradient = softmax.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                org.nd4j.linalg.indexing.NDArrayIndex.interval(1, z.size(1))).neg().divi(b);
        return new ValueAndGradient(value, gradient);
    }

    /** Mean softmax cross-entropy of logits {@code [B, K]} with labels, and ∂L/∂logits. */
    public static ValueAndGradient natural(INDArray logits, int[] labels) {
        long b = logits.size(0);
        INDArray softmax = softmax(logits);
        INDArray lse = logSumExp(logits);
        double value = 0;
        INDArray gradient = softmax.dup();
        for (int i = 0; i < b; i++) {
            value += lse.getDouble(i) - logits.getDouble(i, labels[i]);
            gradient.putScalar(i, labels[i], gradient.getDouble(i, labels[i]) - 1.0);
        }
        return new ValueAndGradient(value / b, gradient.divi(b));
    }

    private static INDArray logSumExp(INDArray z) {
        INDArray max = z.max(1);
        INDArray shifted = z.subColumnVector(max.reshape(z.size(0), 1));
        return Transforms.log(Transforms.exp(shifted, false).sum(1), false).addi(max);
    }

    private static INDArray softmax(INDArray z) {
        INDArray max = z.max(1).reshape(z.size(0), 1);
        INDArray e = Transforms.exp(z.subColumnVector(max), false);
        return e.diviColumnVector(e.sum(1).reshape(z.size(0), 1));
    }
}
