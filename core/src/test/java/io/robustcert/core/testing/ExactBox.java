package io.robustcert.core.testing;

import io.robustcert.core.perturb.InputDomain;
import java.math.BigDecimal;

/**
 * The exact box {x' : |x' − x|∞ ≤ ε} ∩ domain, as per-coordinate double ends that lie inside it
 * (checked in BigDecimal), so every sampled double point is a genuine member of the real box.
 */
public final class ExactBox {

    private final double[] low;
    private final double[] high;

    public ExactBox(double[] x, double epsilon, InputDomain domain) {
        low = new double[x.length];
        high = new double[x.length];
        BigDecimal eps = new BigDecimal(epsilon);
        for (int i = 0; i < x.length; i++) {
            BigDecimal centre = new BigDecimal(x[i]);
            double lo = x[i] - epsilon;
            while (new BigDecimal(lo).compareTo(centre.subtract(eps)) < 0) {
                lo = Math.nextUp(lo);
            }
            double hi = x[i] + epsilon;
            while (new BigDecimal(hi).compareTo(centre.add(eps)) > 0) {
                hi = Math.nextDown(hi);
            }
            low[i] = Math.max(lo, domain.low());
            high[i] = Math.min(hi, domain.high());
        }
    }

    public double clamp(int i, double v) {
        return Math.min(Math.max(v, low[i]), high[i]);
    }

    public double low(int i) {
        return low[i];
    }

    public double high(int i) {
        return high[i];
    }

    public int size() {
        return low.length;
    }
}
