package io.robustcert.core.eval;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What an evaluation runs: the attack (which fixes ε and the input domain), the bound methods to certify
 * with (none for an attack-only run), their precision, and how many samples go through at once.
 *
 * @param attack    the PGD settings; their ε and domain are the evaluation's
 * @param methods   bound methods, each with a distinct label; the verified error takes the best of them
 * @param precision {@link Precision#SOUND} (a certificate is a proof) or {@link Precision#FAST} (float32)
 * @param batchSize samples per batch (≥ 1); results do not depend on it
 */
public record EvaluationSettings(PgdOptions attack, List<BoundMethod> methods, Precision precision, int batchSize) {

    /** Samples per batch when not set. */
    public static final int DEFAULT_BATCH_SIZE = 128;

    public EvaluationSettings {
        if (attack == null) {
            throw new IllegalArgumentException("attack options missing");
        }
        if (methods == null) {
            throw new IllegalArgumentException("bound methods missing (an empty list runs the attack only)");
        }
        methods = List.copyOf(methods);
        Set<String> labels = new HashSet<>();
        for (BoundMethod m : methods) {
            if (!labels.add(m.label())) {
                throw new IllegalArgumentException("bound method " + m.label() + " given twice");
            }
        }
        if (precision == null) {
            throw new IllegalArgumentException("precision missing");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
    }

    /** Certification in sound mode with the default batch size. */
    public static EvaluationSettings sound(PgdOptions attack, List<BoundMethod> methods) {
        return new EvaluationSettings(attack, methods, Precision.SOUND, DEFAULT_BATCH_SIZE);
    }

    public double epsilon() {
        return attack.epsilon();
    }

    /** The ball the bound methods certify: the attack's ε and domain. */
    public LinfBall ball() {
        return new LinfBall(attack.epsilon(), attack.domain());
    }

    public List<String> methodLabels() {
        return methods.stream().map(BoundMethod::label).toList();
    }
}
