package io.robustcert.core.bound;

import io.robustcert.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lower bounds of the K−1 margins z_y − z_j (j ≠ y, ascending) of every example, and the verdicts.
 *
 * @param method      the bound method that produced them
 * @param precision   fast or sound: what a "verified" means
 * @param epsilon     radius of the L∞ ball
 * @param lower       {@code [B, K−1]}
 * @param predictions clean predictions (argmax of the logits, first index on ties)
 * @param labels      the labels certified
 */
public record MarginBounds(String method, Precision precision, double epsilon, INDArray lower,
                           int[] predictions, int[] labels) {

    public int size() {
        return labels.length;
    }

    /** Example i is verified iff its clean prediction is correct and every margin lower bound is > 0. */
    public boolean verified(int i) {
        if (predictions[i] != labels[i]) {
            return false;
        }
        double[] row = lowerRow(i);
        for (double v : row) {
            if (!(v > 0)) {
                return false;
            }
        }
        return true;
    }

    public boolean[] verified() {
        boolean[] v = new boolean[size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = verified(i);
        }
        return v;
    }

    public double[] lowerRow(int i) {
        return lower.getRow(i).castTo(org.nd4j.linalg.api.buffer.DataType.DOUBLE).dup().data().asDouble();
    }

    public double[][] lowerMatrix() {
        double[][] m = new double[size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = lowerRow(i);
        }
        return m;
    }

    public long verifiedCount() {
        long c = 0;
        for (int i = 0; i < size(); i++) {
            if (verified(i)) {
                c++;
            }
        }
        return c;
    }
}
