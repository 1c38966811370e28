package io.robustcert.core.autodiff;

/** An interval [lower, upper] on the tape, {@code [B, ...shape]} each: IBP's state in training. */
public record VarBounds(Var lower, Var upper) {
}
