package io.robustcert.core.attack;

import java.util.List;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * What an attack found, per sample, all checked in float64 (see {@link Pgd}).
 *
 * @param options             the attack's settings
 * @param samples             one entry per input, in input order
 * @param gradientEvaluations examples × forward-and-backward passes run (float32), for throughput figures
 */
public record PgdResult(PgdOptions options, List<Sample> samples, long gradientEvaluations) {

    /**
     * One sample's outcome. Margins are float64 values of z_y − z_j at points inside the exact ball ∩
     * domain around the clean input.
     *
     * @param label        the label attacked
     * @param adversarial  the reported point: the first checked misclassified point when broken, else the
     *                     point with the lowest margin found
     * @param logits       float64 logits at {@code adversarial}
     * @param broken       a point was found inside the ball and domain (checked exactly) whose float64 logits
     *                     give z_j ≥ z_y for some j ≠ y (a tie counts: a certificate claims z_y &gt; z_j)
     * @param lowestMargin the lowest z_y − max_{j≠y} z_j over the checked points; ≤ 0 exactly when broken
     * @param classMargins K − 1 values, j ≠ y ascending (the layout of margin lower bounds): the lowest
     *                     z_y − z_j over the checked points
     * @param classPoints  K − 1 points, same order: where each of {@code classMargins} was found
     */
    public record Sample(int label, double[] adversarial, double[] logits, boolean broken, double lowestMargin,
                         double[] classMargins, double[][] classPoints) {

        @Override
        public double[] adversarial() {
            return adversarial.clone();
        }

        @Override
        public double[] logits() {
            return logits.clone();
        }

        @Override
        public double[] classMargins() {
            return classMargins.clone();
        }

        @Override
        public double[][] classPoints() {
            double[][] copy = new double[classPoints.length][];
            for (int r = 0; r < copy.length; r++) {
                copy[r] = classPoints[r].clone();
            }
            return copy;
        }

        /** The row of class j (≠ label) in {@link #classMargins} and {@link #classPoints}. */
        public int row(int j) {
            if (j == label || j < 0 || j > classMargins.length) {
                throw new IllegalArgumentException("class " + j + " is not a wrong class of label " + label);
            }
            return j < label ? j : j - 1;
        }

        /** The lowest z_y − z_j found for class j ≠ y. */
        public double classMargin(int j) {
            return classMargins[row(j)];
        }

        /** Where {@link #classMargin(int)} was found. */
        public double[] classPoint(int j) {
            return classPoints[row(j)].clone();
        }
    }

    public PgdResult {
        samples = List.copyOf(samples);
    }

    public int size() {
        return samples.size();
    }

    public Sample sample(int i) {
        return samples.get(i);
    }

    public boolean broken(int i) {
        return samples.get(i).broken();
    }

    public boolean[] brokenFlags() {
        boolean[] b = new boolean[samples.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = samples.get(i).broken();
        }
        return b;
    }

    public long brokenCount() {
        return samples.stream().filter(Sample::broken).count();
    }

    /** Fraction of samples broken (0 for an empty batch). */
    public double error() {
        return samples.isEmpty() ? 0.0 : (double) brokenCount() / samples.size();
    }

    /** The reported points, {@code [B, inputSize]} float64. */
    public INDArray adversarialBatch() {
        double[][] rows = new double[samples.size()][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = samples.get(i).adversarial;
        }
        return rows.length == 0 ? Nd4j.empty(org.nd4j.linalg.api.buffer.DataType.DOUBLE) : Nd4j.createFromArray(rows);
    }

    /** The lowest margins, {@code [B, K−1]} as a matrix (the layout of margin lower bounds). */
    public double[][] classMarginMatrix() {
        double[][] m = new double[samples.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = samples.get(i).classMargins();
        }
        return m;
    }
}
