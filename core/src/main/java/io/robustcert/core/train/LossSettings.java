package io.robustcert.core.train;

import io.robustcert.core.perturb.InputDomain;
import java.util.SplittableRandom;

/**
 * What one loss evaluation depends on besides the parameters and the batch.
 *
 * @param epsilon the current radius of the L∞ ball (raw input space)
 * @param beta    weight of the CROWN-IBP bound in the β-mix (method.md §3.4)
 * @param kappa   weight of the natural loss in the κ-mix (§3.6)
 * @param domain  the input domain the box is clipped to ({@link InputDomain#UNBOUNDED}: the paper's boxes)
 * @param random  randomness of the loss itself (the paper's initial slopes)
 */
public record LossSettings(double epsilon, double beta, double kappa, InputDomain domain, SplittableRandom random) {

    public LossSettings {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be finite and ≥ 0, got " + epsilon);
        }
        if (!(beta >= 0 && beta <= 1) || !(kappa >= 0 && kappa <= 1)) {
            throw new IllegalArgumentException("beta and kappa must lie in [0, 1], got " + beta + " and " + kappa);
        }
    }

    public LossSettings withEpsilon(double e) {
        return new LossSettings(e, beta, kappa, domain, random);
    }

    public LossSettings withKappa(double k) {
        return new LossSettings(epsilon, beta, k, domain, random);
    }
}
