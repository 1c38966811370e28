package io.robustcert.core.schedule;

/**
 * A mixing weight that follows the scheduled ε linearly (method.md §3.4, §3.6):
 * w(ε) = start − (ε/ε_max)·(start − end). Used for β (CROWN-IBP vs IBP) and κ (natural vs robust loss).
 */
public record Mixing(double start, double end) {

    public Mixing {
        if (!(start >= 0 && start <= 1 && end >= 0 && end <= 1)) {
            throw new IllegalArgumentException("mixing weights must lie in [0, 1], got " + start + " and " + end);
        }
    }

    /** The weight at the current ε of a schedule ending at ε_max (ε_max = 0: the start weight). */
    public double at(double epsilon, double epsilonMax) {
        if (epsilonMax == 0) {
            return start;
        }
        return start - epsilon / epsilonMax * (start - end);
    }
}
