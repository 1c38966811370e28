package io.robustcert.core.bound;

import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * A linear lower bound on R specification rows per example, in terms of some layer's variable h:
 * {@code spec_r(x) ≥ Σ coefficients[b·R + r, ...] · h[b, ...] + bias[b·R + r]}.
 *
 * <p>Coefficients have shape {@code [B·R, ...shape of h]}; the bias has shape {@code [B·R]}. Rows of
 * one example are consecutive, so a tensor {@code [B, ...]} of per-example values (ReLU slopes,
 * interval bounds) broadcasts over them through a {@code [B, 1, n]} view. In sound mode the
 * inequality holds exactly for the stored float64 values; each backward rule keeps it so.
 */
public record LinearBound(INDArray coefficients, INDArray bias, long batch, long rows) {

    public LinearBound {
        if (coefficients.size(0) != batch * rows || bias.length() != batch * rows) {
            throw new IllegalArgumentException("linear bound over " + batch + "×" + rows
                    + " rows has coefficients " + java.util.Arrays.toString(coefficients.shape())
                    + " and bias of length " + bias.length());
        }
    }

    /** Number of elements of the variable the bound is expressed in. */
    public long width() {
        return coefficients.length() / (batch * rows);
    }

    /** Coefficients as {@code [B, R, n]}. */
    public INDArray coefficients3d() {
        return coefficients.reshape('c', batch, rows, width());
    }

    public LinearBound withCoefficients(INDArray newCoefficients, INDArray newBias) {
        return new LinearBound(newCoefficients, newBias, batch, rows);
    }

    /**
     * The smallest value of the linear function over a box on its variable: per row,
     * Σ Λ⁺·lower + Λ⁻·upper + bias. Returns {@code [B, R]}.
     *
     * <p>Fast mode uses the centre/radius form Λ·c − |Λ|·r. Sound mode uses the lower/upper form (no
     * rounded centre) and subtracts the error bound of a dot product of length n + 2 (the products,
     * then the bias), computed from Σ|Λ|·max(|l|,|u|) + |bias|.
     */
    public INDArray concretizeLower(IntervalBounds box, Precision precision) {
        long n = width();
        INDArray lambda = coefficients3d();
        INDArray lower = box.lower().reshape('c', batch, 1, n);
        INDArray upper = box.upper().reshape('c', batch, 1, n);
        INDArray value;
        if (!precision.sound()) {
            INDArray centre = lower.add(upper).muli(0.5);
            INDArray radius = upper.sub(lower).muli(0.5);
            value = lambda.mul(centre).sum(2).subi(Transforms.abs(lambda, true).mul(radius).sum(2));
            return value.addi(bias.reshape('c', batch, rows));
        }
        INDArray positive = Transforms.max(lambda, 0.0, true);
        INDArray negative = lambda.sub(positive);
        value = positive.mul(lower).sum(2).addi(negative.mul(upper).sum(2)).addi(bias.reshape('c', batch, rows));
        INDArray magnitude = box.magnitude().reshape('c', batch, 1, n);
        INDArray absSums = Transforms.abs(lambda, true).mul(magnitude).sum(2)
                .addi(Transforms.abs(bias, true).reshape('c', batch, rows));
        return SoundArithmetic.lowerBound(value, SoundArithmetic.errorBound(absSums, n + 2));
    }
}
