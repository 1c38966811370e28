package io.robustcert.core.attack;

import io.robustcert.core.perturb.InputDomain;

/**
 * How an L∞ PGD attack runs. Immutable; the constructor refuses invalid settings with a message that
 * names the field. Start from a preset and change fields with the {@code with...} methods.
 *
 * @param epsilon       radius of the L∞ ball (finite, ≥ 0)
 * @param domain        the valid inputs; every iterate is projected onto the ball ∩ domain
 * @param steps         signed-gradient steps per restart (≥ 0; 0 evaluates the starting points only)
 * @param stepSize      α, the L∞ length of each step (finite, &gt; 0), before the schedule
 * @param schedule      constant α, or α·(steps − t)/steps at step t
 * @param randomStart   whether the first restart starts at a uniform point of the ball ∩ domain instead of
 *                      the clean input; later restarts always start at random points (a second start from
 *                      the clean input would repeat the first restart)
 * @param restarts      independent runs (≥ 1); a sample broken in one run stays broken
 * @param loss          what the ascent maximises: cross-entropy of the label, or the margin
 *                      max_{j≠y} z_j − z_y
 * @param multiTargeted one run per wrong class t instead of one untargeted run, maximising z_t − z_y
 *                      (margin loss) or log softmax_t(z) (cross-entropy); K − 1 times the work
 * @param earlyStop     stop attacking a sample once it is broken (its broken point is kept either way)
 * @param seed          seeds the random starts; each (restart, target, sample) has its own stream, so a
 *                      run with more restarts repeats the runs of one with fewer exactly
 */
public record PgdOptions(double epsilon, InputDomain domain, int steps, double stepSize, StepSchedule schedule,
                         boolean randomStart, int restarts, Loss loss, boolean multiTargeted, boolean earlyStop,
                         long seed) {

    /** The loss the attack ascends. */
    public enum Loss {
        CROSS_ENTROPY("ce"), MARGIN("margin");

        private final String label;

        Loss(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }

        public static Loss parse(String label) {
            for (Loss l : values()) {
                if (l.label.equals(label)) {
                    return l;
                }
            }
            throw new IllegalArgumentException("unknown loss '" + label + "' (expected ce or margin)");
        }
    }

    /** Step size per step. */
    public enum StepSchedule {
        /** α at every step. */
        CONSTANT,
        /** α·(steps − t)/steps at step t = 0, ..., steps − 1: long steps first, fine ones at the end. */
        LINEAR_DECAY
    }

    public PgdOptions {
        if (!(epsilon >= 0) || Double.isInfinite(epsilon)) {
            throw new IllegalArgumentException("epsilon must be a finite number ≥ 0, got " + epsilon);
        }
        if (domain == null) {
            throw new IllegalArgumentException("input domain missing");
        }
        if (steps < 0) {
            throw new IllegalArgumentException("steps must be ≥ 0, got " + steps);
        }
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException("step size must be a finite number > 0, got " + stepSize);
        }
        if (schedule == null) {
            throw new IllegalArgumentException("step schedule missing");
        }
        if (restarts < 1) {
            throw new IllegalArgumentException("restarts must be ≥ 1, got " + restarts);
        }
        if (loss == null) {
            throw new IllegalArgumentException("loss missing");
        }
    }

    /** ε/4, or the smallest positive double when ε/4 is 0 (the ball is then one point: any step lands on it). */
    private static double quarter(double epsilon) {
        return Math.max(epsilon / 4, Double.MIN_VALUE);
    }

    /**
     * The evaluation of method.md §10.2: 100 steps of ε/4, no random start, 1 restart, cross-entropy,
     * domain [0, 1]. The reference counts the error at the final iterate; here a sample also counts as
     * broken when an earlier iterate was misclassified (checked in float64), so the error is never lower.
     */
    public static PgdOptions specEvaluation(double epsilon) {
        return new PgdOptions(epsilon, InputDomain.UNIT, 100, quarter(epsilon), StepSchedule.CONSTANT, false, 1,
                Loss.CROSS_ENTROPY, false, true, 0L);
    }

    /**
     * The platform's default, stronger than the spec's: 100 steps of ε/4 decaying linearly, random starts,
     * 5 restarts, margin loss, domain [0, 1].
     */
    public static PgdOptions platformDefault(double epsilon) {
        return new PgdOptions(epsilon, InputDomain.UNIT, 100, quarter(epsilon), StepSchedule.LINEAR_DECAY, true, 5,
                Loss.MARGIN, false, true, 0L);
    }

    /** FGSM: one step of size ε from the clean input, cross-entropy, domain [0, 1]. */
    public static PgdOptions fgsm(double epsilon) {
        return new PgdOptions(epsilon, InputDomain.UNIT, 1, Math.max(epsilon, Double.MIN_VALUE), StepSchedule.CONSTANT,
                false, 1, Loss.CROSS_ENTROPY, false, true, 0L);
    }

    /** α at step t (0-based). */
    public double stepSizeAt(int t) {
        return schedule == StepSchedule.CONSTANT ? stepSize : stepSize * (steps - t) / steps;
    }

    public PgdOptions withDomain(InputDomain d) {
        return new PgdOptions(epsilon, d, steps, stepSize, schedule, randomStart, restarts, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withSteps(int s) {
        return new PgdOptions(epsilon, domain, s, stepSize, schedule, randomStart, restarts, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withStepSize(double a) {
        return new PgdOptions(epsilon, domain, steps, a, schedule, randomStart, restarts, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withSchedule(StepSchedule s) {
        return new PgdOptions(epsilon, domain, steps, stepSize, s, randomStart, restarts, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withRandomStart(boolean r) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, r, restarts, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withRestarts(int r) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, randomStart, r, loss, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withLoss(Loss l) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, randomStart, restarts, l, multiTargeted, earlyStop, seed);
    }

    public PgdOptions withMultiTargeted(boolean m) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, randomStart, restarts, loss, m, earlyStop, seed);
    }

    public PgdOptions withEarlyStop(boolean e) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, randomStart, restarts, loss, multiTargeted, e, seed);
    }

    public PgdOptions withSeed(long s) {
        return new PgdOptions(epsilon, domain, steps, stepSize, schedule, randomStart, restarts, loss, multiTargeted, earlyStop, s);
    }
}
