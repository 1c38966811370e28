package io.robustcert.core.perturb;

/**
 * The set of valid inputs, a box [low, high] per element (pixels: [0, 1]), or unbounded.
 * The paper's configs do not clip the ε-box to the domain; {@link #UNBOUNDED} reproduces that.
 */
public record InputDomain(double low, double high) {

    public static final InputDomain UNIT = new InputDomain(0.0, 1.0);
    public static final InputDomain UNBOUNDED = new InputDomain(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    public InputDomain {
        if (Double.isNaN(low) || Double.isNaN(high) || !(low <= high)) {
            throw new IllegalArgumentException("input domain needs low ≤ high, got [" + low + ", " + high + "]");
        }
    }

    public boolean bounded() {
        return Double.isFinite(low) || Double.isFinite(high);
    }

    public boolean contains(double x) {
        return x >= low && x <= high;
    }

    @Override
    public String toString() {
        return bounded() ? "[" + low + ", " + high + "]" : "none";
    }
}
