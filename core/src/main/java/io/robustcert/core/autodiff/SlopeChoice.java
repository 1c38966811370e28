package io.robustcert.core.autodiff;

/**
 * How a differentiable CROWN-IBP pass picks each ReLU's lower slopes in training: constants (the adaptive,
 * zero and one rules), the upper slope itself (CAP's same-slope rule, through which gradients flow), or
 * slopes that are tape values of their own (the paper's method differentiates the loss with respect to
 * them, §6).
 */
@FunctionalInterface
public interface SlopeChoice {

    /**
     * Lower slopes {@code [B, n]} for the unstable neurons of ReLU layer {@code reluIndex}; stable neurons
     * are re-masked by the caller (1 where l ≥ 0, 0 where u ≤ 0).
     *
     * @param lower      pre-activation lower bounds {@code [B, n]}
     * @param upper      pre-activation upper bounds {@code [B, n]}
     * @param upperSlope the upper line's slope d {@code [B, n]}
     */
    Var lowerSlopes(Tape tape, int reluIndex, Var lower, Var upper, Var upperSlope);
}
