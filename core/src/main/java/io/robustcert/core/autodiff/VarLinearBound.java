package io.robustcert.core.autodiff;

/**
 * A linear lower bound on the tape, Σ coefficients·h + bias, for {@code rows} specification rows of each
 * of {@code batch} examples: coefficients {@code [batch·rows, ...shape of h]}, bias {@code [batch·rows]}.
 * Rows of one example are consecutive. The training counterpart of {@link io.robustcert.core.bound.LinearBound}.
 */
public record VarLinearBound(Var coefficients, Var bias, long batch, long rows) {

    public VarLinearBound with(Var newCoefficients, Var newBias) {
        return new VarLinearBound(newCoefficients, newBias, batch, rows);
    }
}
