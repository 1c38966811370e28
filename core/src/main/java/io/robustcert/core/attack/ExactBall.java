package io.robustcert.core.attack;

import io.robustcert.core.perturb.InputDomain;

/**
 * Membership in the real set {x' : |x' − x|∞ ≤ ε} ∩ domain, decided exactly for doubles, and the
 * double ends of that set per coordinate. Attacks keep their points between these ends, so every
 * adversarial example they report is a genuine member of the ball around the clean input as given.
 *
 * <p>Why it is exact: with d = fl(p − x), rounding to nearest is monotone and ε is a double, so
 * |d| &lt; ε implies |p − x| ≤ ε and |d| &gt; ε implies |p − x| &gt; ε. Only |d| = ε needs the rounding
 * error e = (p − x) − d, which TwoSum computes exactly (Knuth; no overflow for finite p, x of the
 * magnitudes inputs have): then |p − x| ≤ ε iff e does not point away from zero.
 */
public final class ExactBall {

    private ExactBall() {
    }

    /** |p − x| ≤ ε in real arithmetic. False for non-finite values. */
    public static boolean within(double x, double p, double epsilon) {
        if (!Double.isFinite(x) || !Double.isFinite(p)) {
            return false;
        }
        double d = p - x;
        double a = Math.abs(d);
        if (a != epsilon) {
            return a < epsilon;
        }
        // TwoSum(p, −x): d + e = p − x exactly.
        double negX = -x;
        double bb = d - p;
        double e = (p - (d - bb)) + (negX - bb);
        return d > 0 ? e <= 0 : d < 0 ? e >= 0 : e == 0;
    }

    /** The smallest double ≥ x − ε (exactly), raised to the domain's lower end. */
    public static double low(double x, double epsilon, InputDomain domain) {
        double lo = x - epsilon;
        while (!within(x, lo, epsilon)) {
            lo = Math.nextUp(lo);
        }
        return Math.max(lo, domain.low());
    }

    /** The largest double ≤ x + ε (exactly), lowered to the domain's upper end. */
    public static double high(double x, double epsilon, InputDomain domain) {
        double hi = x + epsilon;
        while (!within(x, hi, epsilon)) {
            hi = Math.nextDown(hi);
        }
        return Math.min(hi, domain.high());
    }

    /** Every coordinate of p within ε of x, exactly, and inside the domain. */
    public static boolean contains(double[] x, double[] p, double epsilon, InputDomain domain) {
        if (p == null || p.length != x.length) {
            return false;
        }
        for (int k = 0; k < x.length; k++) {
            if (!within(x[k], p[k], epsilon) || !domain.contains(p[k])) {
                return false;
            }
        }
        return true;
    }
}
