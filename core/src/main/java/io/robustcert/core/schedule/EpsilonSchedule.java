package io.robustcert.core.schedule;

/**
 * A ramp of a value (the training ε) over global steps s = epoch·N + batch, as a pure function of the
 * step so that a resumed run needs nothing but its step (method.md §7).
 *
 * <p>Endpoints: s₀ = start·N and s₁ = (start + length − 1)·N, values v₀ and v₁. Before s₀ the value is
 * v₀, from s₁ on it is v₁.
 */
public sealed interface EpsilonSchedule permits EpsilonSchedule.Linear, EpsilonSchedule.Smoothed {

    /** The value at a global step. */
    double value(long step);

    /** The value the ramp ends at. */
    double finalValue();

    /** Steps per epoch N. */
    long stepsPerEpoch();

    /** The value at the first batch of an epoch. */
    default double atEpochStart(long epoch) {
        return value(epoch * stepsPerEpoch());
    }

    /**
     * Whether an epoch trains naturally: the scheduled value at the start of the next epoch is below
     * float32's smallest normal number (the repo's rule), i.e. every warm-up epoch before the ramp.
     */
    default boolean naturalEpoch(long epoch) {
        return atEpochStart(epoch + 1) < Float.MIN_NORMAL;
    }

    /** Linear ramp from (s₀, v₀) to (s₁, v₁), clipped to [min(v₀,v₁), max(v₀,v₁)]. */
    record Linear(double from, double to, long start, long length, long stepsPerEpoch) implements EpsilonSchedule {

        public Linear {
            Ramp.check(from, to, start, length, stepsPerEpoch);
        }

        @Override
        public double value(long step) {
            return Ramp.linear(step, start * stepsPerEpoch, (start + length - 1) * stepsPerEpoch, from, to);
        }

        @Override
        public double finalValue() {
            return to;
        }
    }

    /**
     * DeepMind's smoothed ramp as CROWN-IBP uses it: a power curve (exponent q) up to the point
     * s_m = s₀ + ⌊(s₁ − s₀)·p⌋, then linear to (s₁, v₁), with value and slope continuous at s_m.
     * Defaults p = 0.25, q = 4.
     */
    record Smoothed(double from, double to, long start, long length, long stepsPerEpoch, double midPoint, double exponent)
            implements EpsilonSchedule {

        public Smoothed {
            Ramp.check(from, to, start, length, stepsPerEpoch);
            if (!(midPoint > 0 && midPoint < 1) || !(exponent >= 1)) {
                throw new IllegalArgumentException("smoothed schedule needs 0 < midPoint < 1 and exponent ≥ 1, got "
                        + midPoint + ", " + exponent);
            }
        }

        public Smoothed(double from, double to, long start, long length, long stepsPerEpoch) {
            this(from, to, start, length, stepsPerEpoch, 0.25, 4.0);
        }

        long middleStep() {
            long s0 = start * stepsPerEpoch;
            long s1 = (start + length - 1) * stepsPerEpoch;
            return (long) Math.floor((s1 - s0) * midPoint) + s0;
        }

        double alpha() {
            long s0 = start * stepsPerEpoch;
            long s1 = (start + length - 1) * stepsPerEpoch;
            long sm = middleStep();
            if (sm <= s0) {
                return 1.0;
            }
            double span = sm - s0;
            return (to - from) / ((s1 - sm) * exponent * Math.pow(span, exponent - 1) + Math.pow(span, exponent));
        }

        @Override
        public double value(long step) {
            long s0 = start * stepsPerEpoch;
            long s1 = (start + length - 1) * stepsPerEpoch;
            long sm = middleStep();
            if (step <= s0) {
                return from;
            }
            double alpha = alpha();
            if (step < sm) {
                return from + alpha * Math.pow(step - s0, exponent);
            }
            double middleValue = from + alpha * Math.pow(sm - s0, exponent);
            return Ramp.linear(step, sm, s1, middleValue, to);
        }

        @Override
        public double finalValue() {
            return to;
        }
    }
}
