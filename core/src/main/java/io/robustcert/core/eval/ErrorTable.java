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
        boolean[] correct = new boolean[n];
        boolean[] broken = new boolean[n];
        Map<String, boolean[]> verified = new LinkedHashMap<>();
        methods.forEach(m -> verified.put(m, new boolean[n]));
        for (int i = 0; i < n; i++) {
            SampleVerdict v = verdicts.get(i);
            correct[i] = v.cleanCorrect();
            broken[i] = v.broken();
            for (String m : methods) {
                verified.get(m)[i] = Boolean.TRUE.equals(v.verifiedBy().get(m));
            }
        }
        return of(correct, broken, verified, epsilon, precision);
    }

    /**
     * Counts per-sample flags: what a certifier ({@link Certification}) and an attacker produced apart,
     * joined on the sample index.
     *
     * @param correct  per sample: the clean prediction is correct
     * @param broken   per sample: misclassified at the clean input or broken by the attack
     * @param verified per bound method label, in order: per sample, verified; every array as long as correct
     */
    public static ErrorTable of(boolean[] correct, boolean[] broken, Map<String, boolean[]> verified, double epsilon,
                                String precision) {
        int n = correct.length;
        if (broken.length != n) {
            throw new IllegalArgumentException(n + " clean verdicts but " + broken.length + " attack verdicts");
        }
        verified.forEach((m, v) -> {
            if (v.length != n) {
                throw new IllegalArgumentException(n + " clean verdicts but " + v.length + " verdicts of " + m);
            }
        });
        int wrong = 0;
        int brokenCount = 0;
        int unverified = 0;
        int unsound = 0;
        Map<String, Integer> perMethod = new LinkedHashMap<>();
        verified.keySet().forEach(m -> perMethod.put(m, 0));
        for (int i = 0; i < n; i++) {
            boolean any = false;
            for (Map.Entry<String, boolean[]> e : verified.entrySet()) {
                boolean v = e.getValue()[i];
                any |= v;
                if (!v) {
                    perMethod.merge(e.getKey(), 1, Integer::sum);
                }
            }
            wrong += correct[i] ? 0 : 1;
            brokenCount += broken[i] ? 1 : 0;
            unverified += any ? 0 : 1;
            unsound += any && broken[i] ? 1 : 0;
        }
        Map<String, Double> byMethod = new LinkedHashMap<>();
        perMethod.forEach((m, c) -> byMethod.put(m, percent(c, n)));
        return new ErrorTable(n, epsilon, precision, percent(wrong, n), percent(brokenCount, n),
                verified.isEmpty() ? null : percent(unverified, n), byMethod, unsound);
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
