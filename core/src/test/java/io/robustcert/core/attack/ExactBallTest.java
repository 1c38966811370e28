package io.robustcert.core.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.perturb.InputDomain;
import java.math.BigDecimal;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link ExactBall} against BigDecimal on random values and on points one ulp around the ends. */
class ExactBallTest {

    private static boolean exactlyWithin(double x, double p, double eps) {
        return new BigDecimal(p).subtract(new BigDecimal(x)).abs().compareTo(new BigDecimal(eps)) <= 0;
    }

    @Test
    void membershipAndEndsAgreeWithExactArithmetic() {
        SplittableRandom r = new SplittableRandom(3);
        double[] epsilons = {0, 1e-3, 0.01, 0.1, 0.3, 1.0 / 255, 2.0 / 255, 8.0 / 255, 0.1 + 1e-17, 1e-300};
        int ends = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            double x = switch (trial % 4) {
                case 0 -> r.nextDouble();
                case 1 -> (float) r.nextDouble(); // float32 pixels
                case 2 -> r.nextInt(256) / 255.0;
                default -> r.nextDouble() * 1e-3;
            };
            double eps = epsilons[r.nextInt(epsilons.length)];
            double lo = ExactBall.low(x, eps, InputDomain.UNBOUNDED);
            double hi = ExactBall.high(x, eps, InputDomain.UNBOUNDED);
            assertTrue(exactlyWithin(x, lo, eps) && exactlyWithin(x, hi, eps), x + " ± " + eps);
            // tight: the next double outward is outside
            assertFalse(exactlyWithin(x, Math.nextDown(lo), eps), x + " − " + eps);
            assertFalse(exactlyWithin(x, Math.nextUp(hi), eps), x + " + " + eps);
            for (double p : new double[] {lo, hi, Math.nextDown(lo), Math.nextUp(hi), Math.nextUp(lo), Math.nextDown(hi),
                    x - eps, x + eps, x, r.nextDouble()}) {
                assertEquals(exactlyWithin(x, p, eps), ExactBall.within(x, p, eps), x + " " + p + " " + eps);
            }
            ends += (x - eps != lo || x + eps != hi) ? 1 : 0;
        }
        assertTrue(ends > 100, "only " + ends + " cases where the rounded ends were outside the exact ball");
    }

    @Test
    void domainAndNonFiniteValues() {
        assertEquals(0.0, ExactBall.low(0.05, 0.1, InputDomain.UNIT));
        assertEquals(1.0, ExactBall.high(0.95, 0.1, InputDomain.UNIT));
        assertFalse(ExactBall.within(0.5, Double.NaN, 0.1));
        assertFalse(ExactBall.within(0.5, Double.POSITIVE_INFINITY, 0.1));
        assertTrue(ExactBall.contains(new double[] {0.5, 0.0}, new double[] {0.6, 0.0}, 0.1, InputDomain.UNIT));
        assertFalse(ExactBall.contains(new double[] {0.5, 0.0}, new double[] {0.5, -0.05}, 0.1, InputDomain.UNIT));
        assertFalse(ExactBall.contains(new double[] {0.5}, new double[] {0.5, 0.5}, 0.1, InputDomain.UNIT));
    }
}
