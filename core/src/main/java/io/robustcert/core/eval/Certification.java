package io.robustcert.core.eval;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.BoundSuite;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The certification half of an {@link Evaluator} run, without the attack: per sample, whether the clean
 * prediction is correct and whether each bound method verified it. A certifier that runs apart from the
 * attacker produces exactly the verdicts the evaluator would (same clean pass, same bound calls); the two
 * halves are joined again by {@link ErrorTable#of(boolean[], boolean[], Map, double, String)}.
 */
public final class Certification {

    /**
     * @param correct    per sample: the float64 clean prediction equals the label
     * @param verifiedBy per bound method label, in the given order: per sample, verified
     */
    public record Result(boolean[] correct, Map<String, boolean[]> verifiedBy) {

        public Result {
            correct = correct.clone();
            Map<String, boolean[]> copy = new LinkedHashMap<>();
            verifiedBy.forEach((m, v) -> copy.put(m, v.clone()));
            verifiedBy = Collections.unmodifiableMap(copy);
        }

        @Override
        public boolean[] correct() {
            return correct.clone();
        }

        public boolean[] verified(String method) {
            boolean[] v = verifiedBy.get(method);
            if (v == null) {
                throw new IllegalArgumentException("no verdicts of bound method " + method);
            }
            return v.clone();
        }
    }

    private final List<BoundMethod> methods;
    private final BoundSuite suite;
    private final LinfBall ball;
    private final Precision precision;
    private final int batchSize;

    public Certification(List<BoundMethod> methods, LinfBall ball, Precision precision, int batchSize) {
        if (methods == null || methods.isEmpty()) {
            throw new IllegalArgumentException("at least one bound method is needed");
        }
        if (ball == null || precision == null) {
            throw new IllegalArgumentException("ball and precision are needed");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be ≥ 1, got " + batchSize);
        }
        this.methods = List.copyOf(methods);
        // Verdicts only (no bound values leave this class), so the float32 screen may drop clear failures.
        this.suite = BoundSuite.of(methods);
        this.ball = ball;
        this.precision = precision;
        this.batchSize = batchSize;
    }

    /** Certifies inputs given as rows of the network's input size (CPU-bound). */
    public Result certify(Network network, double[][] inputs, int[] labels) {
        if (inputs.length != labels.length) {
            throw new IllegalArgumentException(inputs.length + " inputs but " + labels.length + " labels");
        }
        int n = inputs.length;
        boolean[] correct = new boolean[n];
        Map<String, boolean[]> verified = new LinkedHashMap<>();
        methods.forEach(m -> verified.put(m.label(), new boolean[n]));
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            double[][] x = Arrays.copyOfRange(inputs, from, to);
            int[] y = Arrays.copyOfRange(labels, from, to);
            double[][] logits = network.forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix();
            for (int i = 0; i < x.length; i++) {
                correct[from + i] = Evaluator.argmax(logits[i]) == y[i];
            }
            List<MarginBounds> bounds = suite.compute(network, Nd4j.createFromArray(x), y, ball, precision);
            for (int k = 0; k < bounds.size(); k++) {
                MarginBounds b = bounds.get(k);
                String label = methods.get(k).label();
                if (b.size() != x.length) {
                    throw new IllegalStateException("bound method " + label + " returned " + b.size()
                            + " results for " + x.length + " inputs");
                }
                System.arraycopy(b.verified(), 0, verified.get(label), from, x.length);
            }
        }
        return new Result(correct, verified);
    }
}
