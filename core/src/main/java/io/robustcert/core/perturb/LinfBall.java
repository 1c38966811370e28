package io.robustcert.core.perturb;

import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The L∞ ball of radius ε around each input, intersected with the input domain.
 * Sound mode rounds x − ε down and x + ε up, so the computed box contains the exact one.
 */
public record LinfBall(double epsilon, InputDomain domain) {

    public LinfBall {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a finite number ≥ 0, got " + epsilon);
        }
        if (domain == null) {
            throw new IllegalArgumentException("input domain missing");
        }
    }

    /** The box around inputs {@code [B, ...]} (already in the precision's data type). */
    public IntervalBounds box(INDArray inputs, Precision precision) {
        if (domain.bounded() && inputs.length() > 0
                && (inputs.minNumber().doubleValue() < domain.low() || inputs.maxNumber().doubleValue() > domain.high())) {
            throw new IllegalArgumentException("inputs lie outside the input domain " + domain
                    + " (values from " + inputs.minNumber() + " to " + inputs.maxNumber() + ")");
        }
        INDArray lower = inputs.sub(epsilon);
        INDArray upper = inputs.add(epsilon);
        if (precision.sound() && epsilon > 0) {
            lower = SoundArithmetic.down(lower);
            upper = SoundArithmetic.up(upper);
        }
        if (Double.isFinite(domain.low())) {
            lower = Transforms.max(lower, domain.low(), false);
        }
        if (Double.isFinite(domain.high())) {
            upper = Transforms.min(upper, domain.high(), false);
        }
        return new IntervalBounds(lower, upper);
    }
}
