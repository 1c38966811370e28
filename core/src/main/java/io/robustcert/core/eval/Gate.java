package io.robustcert.core.eval;

import java.util.ArrayList;
import java.util.List;

/**
 * The thresholds a model must meet, as a CI job states them.
 *
 * @param minVerifiedAccuracy the least fraction of samples verified, in [0, 1]
 * @param maxPgdError         the largest fraction of samples misclassified under attack, in [0, 1], or
 *                            null for no limit
 */
public record Gate(double minVerifiedAccuracy, Double maxPgdError) {

    /** PASS: thresholds met; FAIL: not met; UNSOUND: a soundness alarm, whatever the thresholds say. */
    public enum Outcome { PASS, FAIL, UNSOUND }

    /** The outcome and, unless it passed, why. */
    public record Decision(Outcome outcome, List<String> reasons) {

        public Decision {
            reasons = List.copyOf(reasons);
        }
    }

    public Gate {
        if (!(minVerifiedAccuracy >= 0 && minVerifiedAccuracy <= 1)) {
            throw new IllegalArgumentException("the minimum verified accuracy must be a fraction in [0, 1], got "
                    + minVerifiedAccuracy);
        }
        if (maxPgdError != null && !(maxPgdError >= 0 && maxPgdError <= 1)) {
            throw new IllegalArgumentException("the maximum PGD error must be a fraction in [0, 1], got "
                    + maxPgdError);
        }
    }

    /** An alarm decides before the thresholds: an unsound result is never a pass or a plain fail. */
    public Decision decide(EvaluationReport report) {
        return decide(report.table(), report.alarms().size());
    }

    /**
     * The same decision from a table and the number of soundness alarms behind it: for a table that came
     * from elsewhere (a certifier service's answer) rather than from a report in this process.
     */
    public Decision decide(ErrorTable t, int alarms) {
        List<String> reasons = new ArrayList<>();
        if (alarms > 0) {
            reasons.add(alarms + " certified sample result(s) broken by a checked adversarial "
                    + "example: a bound method is unsound");
            return new Decision(Outcome.UNSOUND, reasons);
        }
        double verified = t.verifiedAccuracy();
        if (verified < minVerifiedAccuracy) {
            reasons.add(String.format(java.util.Locale.ROOT, "verified accuracy %.4f is below the minimum %.4f",
                    verified, minVerifiedAccuracy));
        }
        if (maxPgdError != null && t.pgdError() / 100.0 > maxPgdError) {
            reasons.add(String.format(java.util.Locale.ROOT, "PGD error %.4f is above the maximum %.4f",
                    t.pgdError() / 100.0, maxPgdError));
        }
        return new Decision(reasons.isEmpty() ? Outcome.PASS : Outcome.FAIL, reasons);
    }
}
