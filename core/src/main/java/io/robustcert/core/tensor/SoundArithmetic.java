package io.robustcert.core.tensor;

import org.bytedeco.javacpp.DoublePointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Outward rounding for sound mode: float64 results widened by rigorous bounds on their rounding error.
 *
 * <h2>The argument</h2>
 * IEEE 754 binary64 with round-to-nearest, unit roundoff u = 2^-53. Java and ND4J cannot switch the
 * rounding mode, so every sound bound is a value computed to nearest and then moved outward:
 * <ol>
 *   <li>One operation: fl(a∘b) = (a∘b)(1+δ), |δ| ≤ u, for + − × ÷ away from underflow. Gradual
 *       underflow adds at most 2^-1075 absolute per multiplication; additions of subnormals are exact.
 *       We add η = n·2^-1022 per dot product of length n, which covers both, and would even cover a
 *       library that flushed subnormal results to zero. Inputs treated as zero (denormals-are-zero)
 *       would break the nextUp/nextDown steps, so {@link #checkSubnormalsKept} refuses to run sound
 *       mode if the native library flushes or zeroes subnormals.</li>
 *   <li>A dot product of length n, summed in any order and with or without fused multiply-add, has
 *       |fl(Σ aᵢbᵢ) − Σ aᵢbᵢ| ≤ γₙ Σ|aᵢ||bᵢ| with γₙ = nu/(1−nu) (Higham, Accuracy and Stability of
 *       Numerical Algorithms, §3.1). The same bound holds element-wise for matrix products computed by
 *       BLAS dgemm, whose every entry is such a dot product (OpenBLAS uses no Strassen-like scheme), and
 *       for convolutions computed as im2col (exact data movement) followed by dgemm.</li>
 *   <li>The error bound is itself computed in floating point from s = fl(Σ|aᵢ||bᵢ|), a sum of
 *       non-negative terms, so Σ|aᵢ||bᵢ| ≤ s/(1−γₙ) ≤ s(1+2γₙ). We use
 *       {@link #errorBound}(s, n) = ↑(↑(s·cₙ) + ηₙ) with cₙ = ↑(γₙ(1+2γₙ)), where ↑ is
 *       {@link Math#nextUp} after the rounded operation: fl(x) is within half an ulp of x, so the next
 *       double up is ≥ x.</li>
 *   <li>A lower bound v − e is then rounded down: {@link Math#nextDown}(fl(v − e)) ≤ v − e. Upper
 *       bounds mirror this with nextUp.</li>
 *   <li>ReLU, max, min, abs, negation, reshapes and copies are exact.</li>
 * </ol>
 * Each layer's sound rule names the dot-product length it passes to {@link #errorBound}; the
 * length is over-counted by the extra additions that combine partial results (the bias, a second
 * product), as fact 2 requires every term's chain of roundings to be counted.
 */
public final class SoundArithmetic {

    /** Unit roundoff of binary64. */
    public static final double UNIT_ROUNDOFF = 0x1p-53;

    private SoundArithmetic() {
    }

    /** γₙ = nu/(1−nu), rounded up. Needs nu &lt; 1/2, far beyond any tensor this project builds. */
    public static double gamma(long n) {
        if (n < 0 || n > (1L << 50)) {
            throw new IllegalArgumentException("dot-product length out of range: " + n);
        }
        double nu = Math.nextUp(n * UNIT_ROUNDOFF);
        double denominator = Math.nextDown(1.0 - nu);
        return Math.nextUp(nu / denominator);
    }

    /** cₙ = γₙ(1 + 2γₙ), rounded up: the factor turning a computed sum of |products| into an error bound. */
    static double errorFactor(long n) {
        double g = gamma(n);
        double onePlus = Math.nextUp(1.0 + Math.nextUp(2.0 * g));
        return Math.nextUp(g * onePlus);
    }

    /**
     * A rigorous bound on the rounding error of dot products of length n whose computed sums of
     * absolute products are {@code absSums} (non-negative, float64). Returns a new array.
     */
    public static INDArray errorBound(INDArray absSums, long n) {
        return scaledUp(absSums, errorFactor(n), n * Double.MIN_NORMAL);
    }

    /**
     * An upper bound of Σₖ eₖ·mₖ where each eₖ is the rounding error of a dot product of length n and
     * {@code weightedAbsSums} bounds Σₖ (Σ|aᵢ||bᵢ|)ₖ·mₖ from above exactly, {@code magnitudeSums} Σₖ mₖ:
     * ↑(↑(weighted·cₙ) + ↑(ηₙ·magnitude)), element-wise. The same quantity as summing {@link #errorBound}
     * times m, for a caller that can form the weighted sums without the per-entry ones.
     */
    public static INDArray weightedErrorBound(INDArray weightedAbsSums, INDArray magnitudeSums, long n) {
        double factor = errorFactor(n);
        double eta = n * Double.MIN_NORMAL;
        Elements s = Elements.copyOf(weightedAbsSums);
        double[] v = s.values;
        double[] m = Elements.read(magnitudeSums, weightedAbsSums.shape());
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextUp(Math.nextUp(v[i] * factor) + Math.nextUp(eta * m[i]));
        }
        return s.store();
    }

    /** An upper bound of a sum of n non-negative terms whose computed value is {@code computed}. */
    public static INDArray upperOfNonNegativeSum(INDArray computed, long n) {
        return scaledUp(computed, Math.nextUp(1.0 + Math.nextUp(2.0 * gamma(n))), n * Double.MIN_NORMAL);
    }

    /** ↑(↑(s·factor) + eta) element-wise: at least s·factor + eta exactly. */
    private static INDArray scaledUp(INDArray values, double factor, double eta) {
        Elements s = Elements.copyOf(values);
        double[] v = s.values;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextUp(Math.nextUp(v[i] * factor) + eta);
        }
        return s.store();
    }

    /** ↓(fl(value − error)): a lower bound of the exact value when |computed − exact| ≤ error. */
    public static INDArray lowerBound(INDArray value, INDArray error) {
        Elements s = Elements.copyOf(value);
        double[] v = s.values;
        double[] e = Elements.read(error, value.shape());
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextDown(v[i] - e[i]);
        }
        return s.store();
    }

    /** ↑(fl(value + error)): an upper bound of the exact value when |computed − exact| ≤ error. */
    public static INDArray upperBound(INDArray value, INDArray error) {
        Elements s = Elements.copyOf(value);
        double[] v = s.values;
        double[] e = Elements.read(error, value.shape());
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextUp(v[i] + e[i]);
        }
        return s.store();
    }

    /** Every element moved one double down: a lower bound of a value rounded to nearest once. */
    public static INDArray down(INDArray value) {
        Elements s = Elements.copyOf(value);
        double[] v = s.values;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextDown(v[i]);
        }
        return s.store();
    }

    /** Every element moved one double up: an upper bound of a value rounded to nearest once. */
    public static INDArray up(INDArray value) {
        Elements s = Elements.copyOf(value);
        double[] v = s.values;
        for (int i = 0; i < v.length; i++) {
            v[i] = Math.nextUp(v[i]);
        }
        return s.store();
    }

    /**
     * Checks that ND4J's float64 element-wise ops and dgemm keep subnormal inputs and results (no
     * flush-to-zero, no denormals-are-zero), as the error analysis assumes. Cheap; called by every
     * sound computation because the floating-point mode is per thread and native code could change it.
     *
     * @throws IllegalStateException if subnormals are flushed
     */
    public static void checkSubnormalsKept() {
        double tiny = Double.MIN_NORMAL / 4;
        INDArray x = Nd4j.valueArrayOf(new long[] {4096}, tiny, DataType.DOUBLE);
        double sum = x.add(x).getDouble(4095);
        INDArray row = Nd4j.create(new double[] {tiny, tiny}, new long[] {1, 2}, 'c');
        INDArray column = Nd4j.create(new double[] {1.0, 1.0}, new long[] {2, 1}, 'c');
        double dot = row.mmul(column).getDouble(0);
        if (sum != 2 * tiny || dot != 2 * tiny) {
            throw new IllegalStateException("the native math library flushes subnormal numbers to zero on this thread; "
                    + "sound mode's rounding-error bounds would not hold, so it refuses to run");
        }
    }

    /**
     * A lower bound of the exact sum of lower bounds: each partial sum is rounded to nearest and then
     * moved one double down, so it never exceeds the exact partial sum. All terms share one shape.
     */
    public static INDArray sumDown(INDArray first, INDArray... rest) {
        Elements s = Elements.copyOf(first);
        double[] acc = s.values;
        for (INDArray term : rest) {
            double[] t = Elements.read(term, first.shape());
            for (int i = 0; i < acc.length; i++) {
                acc[i] = Math.nextDown(acc[i] + t[i]);
            }
        }
        return s.store();
    }

    /**
     * A fresh c-ordered float64 copy of an array and its elements as a Java array, moved in and out by one
     * bulk copy each: ND4J's per-element get/put cost more than the rounding steps themselves.
     */
    private static final class Elements {
        private final INDArray array;
        private final DoublePointer pointer;
        final double[] values;

        private Elements(INDArray array) {
            if (array.offset() != 0 || array.isView()) {
                throw new IllegalStateException("expected a fresh contiguous copy");
            }
            this.array = array;
            this.pointer = new DoublePointer(array.data().addressPointer());
            this.values = new double[Math.toIntExact(array.length())];
            pointer.get(values);
        }

        static Elements copyOf(INDArray a) {
            if (a.dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("sound arithmetic needs float64, got " + a.dataType());
            }
            return new Elements(a.dup('c'));
        }

        /** The elements of {@code a} in c order of {@code shape} (same length). */
        static double[] read(INDArray a, long[] shape) {
            return copyOf(a.reshape('c', shape)).values;
        }

        /** Writes the values back into the copy and returns it. */
        INDArray store() {
            pointer.put(values);
            return array;
        }
    }
}
