package io.robustcert.core.bound;

import io.robustcert.core.tensor.Precision;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Lower bounds of the K−1 margins z_y − z_j (j ≠ y, ascending) of every example, and the verdicts.
 *
 * @param method    the bound method that produced them
 * @param precision fast or sound: what a "verified" means
 * @param epsilon   radius of the L∞ ball
 * @param lower     {@code [B, K−1]}, outside any workspace
 * @param verified  per example: clean prediction correct and every margin lower bound > 0
 * @param labels    the labels certified
 */
public record MarginBounds(String method, Precision precision, double epsilon, INDArray lower, boolean[] verified,
                           int[] labels) {

    public int size() {
        return labels.length;
    }

    /** The same bounds under another method's label (a method that runs another one with chosen settings). */
    public MarginBounds withMethod(String label) {
        return new MarginBounds(label, precision, epsilon, lower, verified, labels);
    }

    public boolean verified(int i) {
        return verified[i];
    }

    @Override
    public boolean[] verified() {
        return verified.clone();
    }

    public double[] lowerRow(int i) {
        return lower.getRow(i).castTo(DataType.DOUBLE).dup().data().asDouble();
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
        for (boolean v : verified) {
            c += v ? 1 : 0;
        }
        return c;
    }
}
