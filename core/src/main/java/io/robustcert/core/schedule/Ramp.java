package io.robustcert.core.schedule;

/** The linear interpolation every schedule shares. */
final class Ramp {

    private Ramp() {
    }

    static void check(double from, double to, long start, long length, long stepsPerEpoch) {
        if (!Double.isFinite(from) || !Double.isFinite(to)) {
            throw new IllegalArgumentException("schedule values must be finite, got " + from + " and " + to);
        }
        if (start < 0 || length < 1 || stepsPerEpoch < 1) {
            throw new IllegalArgumentException("schedule needs start ≥ 0, length ≥ 1 and at least one step per epoch, got "
                    + start + ", " + length + ", " + stepsPerEpoch);
        }
    }

    /** v₀ + (s − s₀)/(s₁ − s₀)·(v₁ − v₀), clipped to the range of the two values; v₁ when s₀ = s₁. */
    static double linear(long step, long s0, long s1, double v0, double v1) {
        if (s0 == s1) {
            return v1;
        }
        double v = v0 + (double) (step - s0) / (s1 - s0) * (v1 - v0);
        return Math.min(Math.max(v, Math.min(v0, v1)), Math.max(v0, v1));
    }
}
