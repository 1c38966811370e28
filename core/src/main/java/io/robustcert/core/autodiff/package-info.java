/**
 * Reverse-mode differentiation of the certified-training losses: a {@link io.robustcert.core.autodiff.Tape}
 * of ND4J operations, the interval and linear-bound states of the training passes, and the slope choice
 * of the differentiable CROWN-IBP pass. Each layer kind owns its own training rules on the tape.
 */
package io.robustcert.core.autodiff;
