package io.robustcert.core.eval;

import io.robustcert.core.attack.PgdOptions;
import java.util.List;

/**
 * The result of an evaluation: the table, every sample's verdict and every soundness alarm.
 *
 * @param dataset  what was evaluated (e.g. {@code mnist:test:100}), for the record
 * @param methods  bound method labels, in order
 * @param attack   the attack's settings
 * @param table    Standard / PGD / Verified error
 * @param samples  per-sample verdicts, in input order
 * @param alarms   certified-and-broken cases, empty when sound
 * @param unsound  whether there is any alarm: a result that must never be ignored
 */
public record EvaluationReport(String dataset, List<String> methods, PgdOptions attack, ErrorTable table,
                               List<SampleVerdict> samples, List<SoundnessAlarm> alarms, boolean unsound) {

    public EvaluationReport {
        methods = List.copyOf(methods);
        samples = List.copyOf(samples);
        alarms = List.copyOf(alarms);
        if (unsound != !alarms.isEmpty()) {
            throw new IllegalArgumentException("unsound must say whether there are alarms");
        }
    }
}
