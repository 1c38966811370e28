package io.robustcert.core.eval;

import io.robustcert.core.attack.Pgd;
import io.robustcert.core.attack.PgdResult;
import io.robustcert.core.bound.BoundSuite;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.IntConsumer;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluates a model on labelled inputs at ε: clean accuracy, the attack, each bound method, and the
 * soundness cross-check, batch by batch.
 *
 * <p>The cross-check trusts the attack's points because each one was checked independently of any
 * bound: a float64 forward pass misclassifies it and exact arithmetic puts it inside the ball ∩ domain
 * ({@link Pgd}). A method that verifies such a sample has produced a false certificate; the evaluation
 * records a {@link SoundnessAlarm} with the point and the bounds instead of choosing between the two.
 */
public final class Evaluator {

    private final EvaluationSettings settings;
    private final IntConsumer progress;
    private final BoundSuite suite;

    public Evaluator(EvaluationSettings settings) {
        this(settings, done -> { });
    }

    private Evaluator(EvaluationSettings settings, IntConsumer progress) {
        if (settings == null) {
            throw new IllegalArgumentException("evaluation settings missing");
        }
        this.settings = settings;
        this.progress = progress;
        // The report keeps verdicts, and bound values only of verified samples (in alarms), which the
        // float32 screen never drops; so the suite's screen changes no result, only the time.
        this.suite = BoundSuite.of(settings.methods());
    }

    /** The same evaluator, telling {@code samplesDone} how many samples are finished after each batch. */
    public Evaluator onProgress(IntConsumer samplesDone) {
        return new Evaluator(settings, samplesDone);
    }

    public EvaluationSettings settings() {
        return settings;
    }

    /** Evaluates every example of a dataset (pixels as floats in [0,1], as {@link Dataset#image} gives them). */
    public EvaluationReport evaluate(Network network, Dataset data) {
        if (data.exampleLength() != network.inputSize()) {
            throw new IllegalArgumentException(data.name() + " has " + data.exampleLength()
                    + " values per example, the network takes " + network.inputSize());
        }
        if (data.classes() != network.numClasses()) {
            throw new IllegalArgumentException(data.name() + " has " + data.classes() + " classes, the network "
                    + network.numClasses());
        }
        double[][] x = new double[data.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = data.imageAsDoubles(i);
        }
        return evaluate(network, x, data.labels(), data.name());
    }

    /** Evaluates inputs given as rows of the network's input size. */
    public EvaluationReport evaluate(Network network, double[][] inputs, int[] labels, String name) {
        if (inputs.length != labels.length) {
            throw new IllegalArgumentException(inputs.length + " inputs but " + labels.length + " labels");
        }
        List<SampleVerdict> verdicts = new ArrayList<>(inputs.length);
        List<SoundnessAlarm> alarms = new ArrayList<>();
        for (int from = 0; from < inputs.length; from += settings.batchSize()) {
            int to = Math.min(inputs.length, from + settings.batchSize());
            evaluateBatch(network, Arrays.copyOfRange(inputs, from, to), Arrays.copyOfRange(labels, from, to), from,
                    verdicts, alarms);
            progress.accept(to);
        }
        ErrorTable table = ErrorTable.of(verdicts, settings.methodLabels(), settings.epsilon(),
                settings.precision().label());
        return new EvaluationReport(name, settings.methodLabels(), settings.attack(), table, verdicts, alarms,
                !alarms.isEmpty());
    }

    private void evaluateBatch(Network network, double[][] x, int[] labels, int offset, List<SampleVerdict> verdicts,
                               List<SoundnessAlarm> alarms) {
        int[] clean = predictions(network.forward(Nd4j.createFromArray(x), Precision.SOUND));
        PgdResult attack = new Pgd(settings.attack()).attack(network, x, labels);
        LinfBall ball = settings.ball();
        List<MarginBounds> bounds = suite.compute(network, Nd4j.createFromArray(x), labels, ball, settings.precision());
        for (int m = 0; m < bounds.size(); m++) {
            if (bounds.get(m).size() != x.length) {
                throw new IllegalStateException("bound method " + settings.methods().get(m).label() + " returned "
                        + bounds.get(m).size() + " results for " + x.length + " inputs");
            }
        }
        for (int i = 0; i < x.length; i++) {
            PgdResult.Sample s = attack.sample(i);
            Map<String, Boolean> verifiedBy = new LinkedHashMap<>();
            for (int m = 0; m < bounds.size(); m++) {
                String label = settings.methods().get(m).label();
                boolean verified = bounds.get(m).verified(i);
                verifiedBy.put(label, verified);
                if (verified && s.broken()) {
                    alarms.add(new SoundnessAlarm(offset + i, labels[i], label, settings.precision().label(),
                            settings.epsilon(), bounds.get(m).lowerRow(i), x[i].clone(), s.adversarial(), s.logits()));
                }
            }
            verdicts.add(new SampleVerdict(offset + i, labels[i], clean[i], clean[i] == labels[i], s.broken(),
                    argmax(s.logits()), s.lowestMargin(), verifiedBy, s.broken() ? s.adversarial() : null));
        }
    }

    private static int[] predictions(INDArray logits) {
        double[][] z = logits.toDoubleMatrix();
        int[] p = new int[z.length];
        for (int i = 0; i < z.length; i++) {
            p[i] = argmax(z[i]);
        }
        return p;
    }

    /** The first index of the largest value. */
    static int argmax(double[] z) {
        int best = 0;
        for (int j = 1; j < z.length; j++) {
            if (z[j] > z[best]) {
                best = j;
            }
        }
        return best;
    }
}
