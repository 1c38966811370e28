package io.robustcert.core.train;

import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.data.Augmentation;
import io.robustcert.core.data.Batch;
import io.robustcert.core.data.BatchIterator;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.io.Architecture;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.optim.Adam;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.schedule.EpsilonSchedule;
import io.robustcert.core.tensor.Precision;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The certified-training loop of method.md §3–§8: per batch the scheduled ε, β and κ, the method's loss
 * (natural in warm-up epochs), its gradient on a tape, an Adam step at the epoch's learning rate; per
 * epoch an evaluation on a test subset; smoothness probes every K steps.
 *
 * <p>Randomness is derived, never carried: the initial weights from (seed, "init"), each epoch's shuffle,
 * augmentation and loss randomness from (seed, epoch, stream). Resuming at an epoch boundary therefore
 * replays exactly what an uninterrupted run does, and the same seed and thread count give the same
 * weights bit for bit.
 */
public final class Trainer {

    /** Progress callbacks; every method has a no-op default. */
    public interface Listener {
        default void batch(int epoch, int batch, int batches, double epsilon, double loss, double imagesPerSecond) {
        }

        default void epoch(EpochMetrics metrics) {
        }
    }

    private static final long INIT = 1, SHUFFLE = 2, AUGMENT = 3, LOSS = 4;

    private final TrainingConfig config;
    private final Dataset train;
    private final Dataset eval;
    private final TrainingMethod method;
    private final int batches;
    private final EpsilonSchedule trainEpsilon;
    private final EpsilonSchedule evalEpsilon;

    public Trainer(TrainingConfig config, Dataset train, Dataset eval) {
        this.config = config;
        this.train = config.trainLimit() > 0 && config.trainLimit() < train.size() ? train.head(config.trainLimit()) : train;
        this.eval = config.evalLimit() > 0 && config.evalLimit() < eval.size() ? eval.head(config.evalLimit()) : eval;
        this.method = TrainingMethod.named(config.method());
        this.batches = (this.train.size() + config.batchSize() - 1) / config.batchSize();
        this.trainEpsilon = config.epsilonSchedule(config.epsilon(), batches);
        this.evalEpsilon = config.epsilonSchedule(config.evalEpsilon(), batches);
    }

    public int batchesPerEpoch() {
        return batches;
    }

    public Dataset trainingData() {
        return train;
    }

    /** A fresh run: PyTorch-default initial weights drawn from the seed, Adam with zero moments. */
    public TrainingState start() {
        try {
            TrainableModel model = TrainableModel.initialized(Architecture.parse(config.architectureJson()), random(INIT, 0));
            return new TrainingState(model, optimizer(model), 0, List.of());
        } catch (ModelFormatException e) {
            throw new IllegalArgumentException("model " + config.model() + ": " + e.getMessage(), e);
        }
    }

    /** Adam (PyTorch defaults) over the model's parameters with the configured weight decay. */
    public Adam optimizer(TrainableModel model) {
        return Adam.withDefaults(model.parameters(), config.weightDecay());
    }

    /** Trains one epoch (the state's next) and evaluates it. */
    public EpochMetrics runEpoch(TrainingState state, Listener listener) {
        int epoch = state.epochsDone();
        double lr = config.learningRates().rate(epoch);
        boolean natural = trainEpsilon.naturalEpoch(epoch);
        TrainingMethod m = natural ? new NaturalTraining() : method;
        BatchIterator it = BatchIterator.shuffled(train, config.batchSize(), random(SHUFFLE, epoch));
        if (config.flip() || config.cropPadding() > 0) {
            it = it.augment(new Augmentation(config.flip(), config.cropPadding()), random(AUGMENT, epoch));
        }
        SplittableRandom lossRandom = random(LOSS, epoch);
        List<SmoothnessProbe.Measures> probes = new ArrayList<>();
        long begin = System.nanoTime();
        double lossSum = 0;
        int seen = 0;
        double eps = 0;
        double beta = 0;
        double kappa = 0;
        for (int b = 0; it.hasNext(); b++) {
            Batch batch = it.next();
            long step = (long) epoch * batches + b;
            eps = trainEpsilon.value(step);
            beta = config.beta().at(eps, config.epsilon());
            kappa = config.kappa().at(eps, config.epsilon());
            LossSettings settings = new LossSettings(eps, beta, kappa, config.domain(), lossRandom);
            boolean probe = config.smoothnessEvery() > 0 && step % config.smoothnessEvery() == 0 && !natural;
            double loss = step(state, m, batch, settings, lr, probe ? probes : null, step);
            lossSum += loss * batch.size();
            seen += batch.size();
            double seconds = (System.nanoTime() - begin) / 1e9;
            listener.batch(epoch, b, batches, eps, loss, seen / Math.max(seconds, 1e-9));
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        double evalEps = evalEpsilon.value((long) (epoch + 1) * batches - 1);
        double[] errors = evaluate(state.model().snapshot(), evalEps);
        EpochMetrics metrics = new EpochMetrics(epoch, eps, evalEps, lr, beta, kappa, lossSum / Math.max(seen, 1),
                errors[0], errors[1], errors[2], seconds, seen / Math.max(seconds, 1e-9), probes);
        state.finishEpoch(metrics);
        listener.epoch(metrics);
        return metrics;
    }

    private double step(TrainingState state, TrainingMethod m, Batch batch, LossSettings settings, double lr,
                        List<SmoothnessProbe.Measures> probes, long step) {
        return TrainingStep.run(state.model(), state.optimizer(), m, batch, settings, lr, config.microBatch(), gradients -> {
            if (probes != null) {
                probes.add(SmoothnessProbe.measure(step, m, state.model(), gradients, batch, settings, config.epsilon(), lr,
                        config.microBatch()));
            }
        });
    }

    /** Clean, IBP-verified and CROWN-IBP-verified error on the evaluation subset at ε (fast mode). */
    public double[] evaluate(Network network, double epsilon) {
        int wrong = 0;
        int ibpFailed = 0;
        int crownFailed = 0;
        LinfBall ball = new LinfBall(epsilon, config.domain());
        BatchIterator it = BatchIterator.sequential(eval, 256);
        while (it.hasNext()) {
            Batch batch = it.next();
            INDArray logits = network.forward(batch.inputs(), Precision.FAST);
            INDArray predicted = logits.argMax(1);
            boolean[] ibp = new Ibp().compute(network, batch.inputs(), batch.labels(), ball, Precision.FAST).verified();
            boolean[] crown = new CrownIbp().compute(network, batch.inputs(), batch.labels(), ball, Precision.FAST).verified();
            for (int i = 0; i < batch.size(); i++) {
                wrong += predicted.getInt(i) != batch.labels()[i] ? 1 : 0;
                ibpFailed += ibp[i] ? 0 : 1;
                crownFailed += crown[i] ? 0 : 1;
            }
        }
        double n = eval.size();
        return new double[] {wrong / n, ibpFailed / n, crownFailed / n};
    }

    private SplittableRandom random(long stream, long epoch) {
        long s = config.seed() * 0x9E3779B97F4A7C15L + stream * 0xBF58476D1CE4E5B9L + epoch * 0x94D049BB133111EBL;
        return new SplittableRandom(s);
    }
}
