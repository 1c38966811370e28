package io.robustcert.core.eval;

/**
 * A sample that a bound method certified and the attack broke with a checked adversarial example: one of
 * the two is wrong, and since the example is checked in float64 inside the exact ball, it is the bound.
 * Everything needed to reproduce it is kept.
 *
 * @param sample            position in the evaluated set
 * @param label             the true label
 * @param method            the bound method that claimed "verified"
 * @param precision         the precision it ran in ("sound" or "fast"; fast results are not proofs)
 * @param epsilon           the radius certified
 * @param lowerBounds       the method's K−1 margin lower bounds (j ≠ y, ascending), all claimed > 0
 * @param input             the clean input, C·H·W order
 * @param adversarial       the misclassified point, inside the ball ∩ domain
 * @param adversarialLogits its float64 logits
 */
public record SoundnessAlarm(int sample, int label, String method, String precision, double epsilon,
                             double[] lowerBounds, double[] input, double[] adversarial, double[] adversarialLogits) {
}
