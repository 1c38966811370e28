package io.robustcert.core.eval;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The paper's table: Standard / PGD / Verified error in percent of the evaluated samples, plus the
 * verified error of each bound method.
 *
 * @param samples          samples evaluated
 * @param epsilon          radius of the L∞ ball
 * @param precision        the bound methods' precision ("sound": the verified column is proven)
 * @param standardError    % misclassified at the clean input
 * @param pgdError         % misclassified at the clean input or broken by the attack
 * @param verifiedError    % not verified by any method (the best of them); null without bound methods
 * @param verifiedByMethod % not verified, per method label in the settings' order
 * @param unsound          samples both verified by some method and broken (see {@link SoundnessAlarm})
 */
public record ErrorTable(int samples, double epsilon, String precision, double standardError, double pgdError,
                         Double verifiedError, Map<String, Double> verifiedByMethod, int unsound) {

    public ErrorTable {
        verifiedByMethod = Collections.unmodifiableMap(new LinkedHashMap<>(verifiedByMethod));
    }

    /** Counts the verdicts. */
    public static ErrorTable of(List<SampleVerdict> verdicts, List<String> methods, double epsilon, String precision) {
        int n = verdicts.size();
        int wrong = 0;
        int broken = 0;
        int unverified = 0;
        int unsound = 0;
        Map<String, Integer> perMethod = new LinkedHashMap<>();
        methods.forEach(m -> perMethod.put(m, 0));
        for (SampleVerdict v : verdicts) {
            wrong += v.cleanCorrect() ? 0 : 1;
            broken += v.broken() ? 1 : 0;
            unverified += v.verified() ? 0 : 1;
            unsound += v.verified() && v.broken() ? 1 : 0;
            for (String m : methods) {
                if (!Boolean.TRUE.equals(v.verifiedBy().get(m))) {
                    perMethod.merge(m, 1, Integer::sum);
                }
            }
        }
        Map<String, Double> byMethod = new LinkedHashMap<>();
        perMethod.forEach((m, c) -> byMethod.put(m, percent(c, n)));
        return new ErrorTable(n, epsilon, precision, percent(wrong, n), percent(broken, n),
                methods.isEmpty() ? null : percent(unverified, n), byMethod, unsound);
    }

    /** 100·count/n, 0 for an empty set. */
    static double percent(int count, int n) {
        return n == 0 ? 0.0 : 100.0 * count / n;
    }

    /** Fraction of samples verified (1 − verified error / 100); 0 without bound methods. */
    public double verifiedAccuracy() {
        return verifiedError == null ? 0.0 : 1.0 - verifiedError / 100.0;
    }
}
