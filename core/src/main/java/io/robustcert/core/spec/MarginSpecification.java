package io.robustcert.core.spec;

import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import io.robustcert.core.tensor.Workspaces;
import java.util.EnumMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The robustness specification of a K-class classifier: for label y, the K−1 margins z_y − z_j for
 * every j ≠ y in ascending j, folded into the final linear layer (W' = W_y − W_j, b' = b_y − b_j).
 *
 * <p>The folded rows of all K labels are computed once ({@code K(K−1)} rows) and gathered per example.
 * Sound mode: the difference of two stored values is computed with its exact rounding error
 * (Knuth's TwoSum); a non-zero error e on a weight costs |e|·max(|l|,|u|) and on a bias |e|, both
 * subtracted from the bound's constant. For float32 weights the error is almost always zero.
 */
public final class MarginSpecification {

    private final Linear output;
    private final int classes;
    private final Map<Precision, Folded> folded = new EnumMap<>(Precision.class);

    private record Folded(INDArray weight, INDArray bias, INDArray weightError, INDArray biasError, boolean exact) {
    }

    private static final Map<Linear, MarginSpecification> CACHE = new java.util.WeakHashMap<>();

    /** The specification of a final layer, folded once and reused (its weights never change). */
    public static MarginSpecification of(Linear output) {
        synchronized (CACHE) {
            return CACHE.computeIfAbsent(output, MarginSpecification::new);
        }
    }

    public MarginSpecification(Linear output) {
        this.output = output;
        this.classes = (int) output.outFeatures();
        if (classes < 2) {
            throw new IllegalArgumentException("a classifier needs at least 2 classes, the last layer has " + classes);
        }
    }

    public int classes() {
        return classes;
    }

    public int rows() {
        return classes - 1;
    }

    /** The class compared with label y in margin row r. */
    public int otherClass(int label, int row) {
        return row < label ? row : row + 1;
    }

    public void checkLabels(int[] labels) {
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= classes) {
                throw new IllegalArgumentException("label " + labels[i] + " of input " + i + " is outside [0, " + (classes - 1) + "]");
            }
        }
    }

    /**
     * The margins as a linear function of the final layer's input, per example.
     *
     * @param outputInputBounds bounds of the final layer's input (used only by sound mode)
     */
    public LinearBound fold(int[] labels, Precision precision, IntervalBounds outputInputBounds) {
        checkLabels(labels);
        Folded f = folded(precision);
        int[] rowsOf = new int[labels.length * rows()];
        for (int b = 0; b < labels.length; b++) {
            for (int r = 0; r < rows(); r++) {
                rowsOf[b * rows() + r] = labels[b] * rows() + r;
            }
        }
        INDArray lambda = Nd4j.pullRows(f.weight(), 1, rowsOf);
        INDArray bias = Nd4j.pullRows(f.bias().reshape(f.bias().length(), 1), 1, rowsOf).reshape(rowsOf.length);
        LinearBound bound = new LinearBound(lambda, bias, labels.length, rows());
        if (!precision.sound() || f.exact()) {
            return bound;
        }
        INDArray weightError = Nd4j.pullRows(f.weightError(), 1, rowsOf);
        INDArray biasError = Nd4j.pullRows(f.biasError().reshape(f.biasError().length(), 1), 1, rowsOf)
                .reshape(rowsOf.length);
        long n = bound.width();
        INDArray reach = weightError.reshape('c', labels.length, rows(), n)
                .mul(outputInputBounds.magnitude().reshape('c', labels.length, 1, n)).sum(2).reshape(rowsOf.length);
        INDArray slack = SoundArithmetic.upperOfNonNegativeSum(reach, n + 1);
        return bound.withCoefficients(lambda, SoundArithmetic.sumDown(bias, biasError.neg(), slack.negi()));
    }

    /**
     * Fast mode: the interval lower bounds of the margins for a box on the final layer's input, by two
     * gemms over the folded rows of all K labels (centre·Wᵀ − radius·|W|ᵀ + b) and a gather of each
     * example's K−1 rows. Same values as {@link #fold} then concretization, without per-example matrices.
     */
    public INDArray intervalLowerFast(int[] labels, IntervalBounds box) {
        checkLabels(labels);
        Folded f = folded(Precision.FAST);
        INDArray centre = box.lower().add(box.upper()).muli(0.5);
        INDArray radius = box.upper().sub(box.lower()).muli(0.5);
        int batch = labels.length;
        long total = (long) classes * rows();
        INDArray all = Nd4j.createUninitialized(centre.dataType(), batch, total);
        Nd4j.gemm(centre, f.weight(), all, false, true, 1.0, 0.0);
        INDArray spread = Nd4j.createUninitialized(centre.dataType(), batch, total);
        Nd4j.gemm(radius, absFoldedWeight(), spread, false, true, 1.0, 0.0);
        all.subi(spread).addiRowVector(f.bias());
        int[] pick = new int[batch];
        for (int b = 0; b < batch; b++) {
            pick[b] = b * classes + labels[b];
        }
        return Nd4j.pullRows(all.reshape('c', (long) batch * classes, rows()), 1, pick);
    }

    private INDArray absFolded;

    private synchronized INDArray absFoldedWeight() {
        if (absFolded == null) {
            absFolded = Workspaces.persistent(() -> Transforms.abs(folded(Precision.FAST).weight(), true));
        }
        return absFolded;
    }

    private synchronized Folded folded(Precision precision) {
        return folded.computeIfAbsent(precision, p -> Workspaces.persistent(() -> {
            long n = output.inFeatures();
            double[] w = output.weight().dup('c').data().asDouble();
            double[] b = output.bias().dup('c').data().asDouble();
            int total = classes * rows();
            double[] fw = new double[(int) (total * n)];
            double[] fe = new double[fw.length];
            double[] fb = new double[total];
            double[] be = new double[total];
            boolean exact = true;
            for (int y = 0; y < classes; y++) {
                for (int r = 0; r < rows(); r++) {
                    int j = otherClass(y, r);
                    int row = y * rows() + r;
                    for (int i = 0; i < n; i++) {
                        double a = w[(int) (y * n + i)];
                        double c = w[(int) (j * n + i)];
                        fw[(int) (row * n + i)] = a - c;
                        fe[(int) (row * n + i)] = Math.abs(twoDifferenceError(a, c));
                        exact &= fe[(int) (row * n + i)] == 0;
                    }
                    fb[row] = b[y] - b[j];
                    be[row] = Math.abs(twoDifferenceError(b[y], b[j]));
                    exact &= be[row] == 0;
                }
            }
            INDArray weight = Nd4j.create(fw, new long[] {total, n}, 'c').castTo(p.dataType());
            INDArray bias = Nd4j.create(fb, new long[] {total}, 'c').castTo(p.dataType());
            return new Folded(weight, bias, Nd4j.create(fe, new long[] {total, n}, 'c'),
                    Transforms.abs(Nd4j.create(be, new long[] {total}, 'c'), false), exact);
        }));
    }

    /** The exact error (a − c) − fl(a − c), by Knuth's TwoSum on a + (−c). */
    static double twoDifferenceError(double a, double c) {
        double s = a - c;
        double cPrime = s - a;
        double aPrime = s - cPrime;
        return (a - aPrime) + (-c - cPrime);
    }
}
