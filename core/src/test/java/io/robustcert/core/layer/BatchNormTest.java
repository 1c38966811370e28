package io.robustcert.core.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What {@link SoundRulesTest} cannot single out for BatchNorm: the scale γ/√(v + ε) is not a double, and the
 * sound rules must allow for the whole of its error. Here the scale interval contains the exact scale, and
 * the backward rule holds exactly on the channels whose nominal scale is furthest from the exact one, where
 * the rounding slack of the product alone would not cover it.
 */
class BatchNormTest {

    private static final MathContext DIGITS = new MathContext(60);

    private static BigDecimal exactScale(double gamma, double variance, double eps) {
        return new BigDecimal(gamma).divide(new BigDecimal(variance).add(new BigDecimal(eps)).sqrt(DIGITS), DIGITS);
    }

    private static BatchNorm single(double gamma, double variance, double eps) {
        return new BatchNorm(new long[] {1}, new double[] {gamma}, new double[] {0}, new double[] {0},
                new double[] {variance}, eps);
    }

    /** float32 values over many binades, as exported models hold them. */
    private static double wide(SplittableRandom r) {
        return (float) ((1 + r.nextDouble()) * Math.scalb(1.0, r.nextInt(-12, 12)));
    }

    @Test
    void theScaleIntervalContainsTheExactScale() {
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 20_000; trial++) {
            double gamma = wide(r) * (r.nextBoolean() ? 1 : -1);
            double variance = r.nextInt(10) == 0 ? 0 : wide(r);
            double eps = r.nextBoolean() ? 1e-5 : (float) 1e-5;
            double[] s = single(gamma, variance, eps).scaleInterval(0);
            BigDecimal exact = exactScale(gamma, variance, eps);
            assertTrue(new BigDecimal(s[0]).compareTo(exact) <= 0 && new BigDecimal(s[2]).compareTo(exact) >= 0,
                    "γ " + gamma + " v " + variance + ": [" + s[0] + ", " + s[2] + "] misses " + exact);
        }
    }

    @Test
    void backwardRuleHoldsWhereTheNominalScaleIsFurthestFromTheExactOne() {
        // The channels whose nominal scale misses the exact one by the most, relative to the scale.
        SplittableRandom r = new SplittableRandom(9);
        double worst = 0;
        int checked = 0;
        for (int trial = 0; trial < 200_000 && checked < 40; trial++) {
            double gamma = wide(r);
            double variance = wide(r);
            BatchNorm layer = single(gamma, variance, 1e-5);
            double nominal = layer.scaleInterval(0)[1];
            BigDecimal exact = exactScale(gamma, variance, 1e-5);
            double relative = new BigDecimal(nominal).subtract(exact).abs().divide(exact, DIGITS).doubleValue();
            worst = Math.max(worst, relative);
            if (relative < 1.1 * 0x1p-53) {
                continue;
            }
            checked++;
            // A single point x (a box of width 0), Λ = ±1, no bias: the bound must hold at x exactly.
            double x = wide(r);
            for (double lambda : new double[] {1, -1}) {
                IntervalBounds box = new IntervalBounds(Nd4j.create(new double[] {x}, new long[] {1, 1}, 'c'),
                        Nd4j.create(new double[] {x}, new long[] {1, 1}, 'c'));
                LinearBound bound = new LinearBound(Nd4j.create(new double[] {lambda}, new long[] {1, 1}, 'c'),
                        Nd4j.create(new double[] {0}, new long[] {1}, 'c'), 1, 1);
                LinearBound back = layer.backward(bound, box, new BackwardContext(Precision.SOUND, FixedSlopeRule.ZERO, 0));
                BigDecimal truth = new BigDecimal(lambda).multiply(exact).multiply(new BigDecimal(x));
                BigDecimal claim = new BigDecimal(back.coefficients().getDouble(0)).multiply(new BigDecimal(x))
                        .add(new BigDecimal(back.bias().getDouble(0)));
                assertTrue(claim.compareTo(truth) <= 0, "γ " + gamma + " v " + variance + " x " + x + " Λ " + lambda
                        + ": " + claim + " above " + truth);
            }
        }
        assertEquals(40, checked, "channels with a nominal scale off by more than 1.1u (worst " + worst / 0x1p-53 + "u)");
    }

    @Test
    void invalidStatisticsAreRefusedWithTheChannel() {
        long[] shape = {2};
        double[] two = {1, 1};
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
                () -> new BatchNorm(shape, two, two, two, new double[] {1, -0.5}, 1e-5));
        assertTrue(negative.getMessage().contains("channel 1"), negative.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(shape, new double[] {Double.NaN, 1}, two, two, two, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(shape, two, two, two, two, 0));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(shape, two, two, two, two, -1e-5));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(shape, new double[] {1}, two, two, two, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> new BatchNorm(shape, new double[] {1e300, 1}, two, two,
                new double[] {0, 1}, 1e-300));
    }
}
