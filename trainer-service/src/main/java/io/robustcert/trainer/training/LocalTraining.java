package io.robustcert.trainer.training;

import com.google.protobuf.Timestamp;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.train.EpochMetrics;
import io.robustcert.core.train.Trainer;
import io.robustcert.core.train.TrainingCheckpoint;
import io.robustcert.core.train.TrainingConfig;
import io.robustcert.core.train.TrainingState;
import io.robustcert.trainer.messaging.CheckpointAnnouncer;
import io.robustcert.trainer.store.CheckpointStore;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.EventMeta;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Trains one run on this machine with core's {@link Trainer}: epoch by epoch, a checkpoint (the model file
 * with its provenance) written into the store and announced as CheckpointCreated when one is due. Runs on
 * the caller's thread (a worker, never the event loop); a cancel request stops it after the current batch.
 */
@ApplicationScoped
public class LocalTraining {

    static final String PRODUCER = "trainer-service";
    private static final Logger LOG = Logger.getLogger(LocalTraining.class);

    private final Datasets datasets;
    private final CheckpointStore store;
    private final CheckpointAnnouncer announcer;
    private final String version;
    /** Its rate is the training throughput (images/s). */
    private final Counter images;
    private final Counter checkpoints;

    public LocalTraining(Datasets datasets, CheckpointStore store, CheckpointAnnouncer announcer, MeterRegistry registry,
                         @ConfigProperty(name = "quarkus.application.version", defaultValue = "unknown") String version) {
        this.datasets = datasets;
        this.store = store;
        this.announcer = announcer;
        this.version = version;
        this.images = Counter.builder("robustcert.trainer.images").description("Training images processed").register(registry);
        this.checkpoints = Counter.builder("robustcert.trainer.checkpoints").description("Checkpoints stored and announced")
                .register(registry);
    }

    /** Trains the run to its end, recording the outcome (SUCCEEDED, FAILED or CANCELLED) on it. */
    public void run(TrainingRun run) {
        if (run.cancelRequested()) {
            run.finished(io.robustcert.v1.TrainingState.TRAINING_STATE_CANCELLED, null);
            return;
        }
        run.started();
        try {
            train(run);
            run.finished(io.robustcert.v1.TrainingState.TRAINING_STATE_SUCCEEDED, null);
        } catch (CancellationException e) {
            LOG.infof("training %s cancelled", run.id());
            run.finished(io.robustcert.v1.TrainingState.TRAINING_STATE_CANCELLED, null);
        } catch (Exception | OutOfMemoryError e) {
            LOG.errorf(e, "training %s failed", run.id());
            run.finished(io.robustcert.v1.TrainingState.TRAINING_STATE_FAILED, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private void train(TrainingRun run) throws Exception {
        TrainingConfig config = run.plan().config();
        String kind = config.dataset().id();
        Dataset train = datasets.load(kind + ":train");
        Dataset test = datasets.load(kind + ":test");
        Trainer trainer = new Trainer(config, train, test);
        TrainingState state = trainer.start();
        int batches = trainer.batchesPerEpoch();
        int size = trainer.trainingData().size();
        LOG.infof("training %s: %s with %s on %d images, %d epochs", run.id(), config.model(), config.method(),
                trainer.trainingData().size(), config.epochs());
        while (state.epochsDone() < config.epochs()) {
            EpochMetrics m = trainer.runEpoch(state, new Trainer.Listener() {
                @Override
                public void batch(int epoch, int batch, int count, double epsilon, double loss, double imagesPerSecond) {
                    run.batch(epoch + 1, (long) epoch * batches + batch + 1, epsilon, loss);
                    images.increment(Math.min(config.batchSize(), size - (long) batch * config.batchSize()));
                    if (run.cancelRequested()) {
                        throw new CancellationException();
                    }
                }
            });
            LOG.infof("training %s: epoch %d/%d loss %.4f clean error %.4f IBP-verified error %.4f", run.id(),
                    m.epoch() + 1, config.epochs(), m.meanLoss(), m.cleanError(), m.ibpVerifiedError());
            int done = state.epochsDone();
            if (done % config.checkpointEvery() == 0 || done == config.epochs()) {
                checkpoint(run, state, config, trainer, (long) done * batches);
            }
        }
    }

    private void checkpoint(TrainingRun run, TrainingState state, TrainingConfig config, Trainer trainer, long step)
            throws Exception {
        int epoch = state.epochsDone();
        String provenance = TrainingCheckpoint.provenance(state, config, trainer.trainingData());
        String id = run.id() + "-epoch-" + epoch;
        CheckpointRef ref = store.write(id, out -> ModelFile.write(state.model().snapshot(), provenance, out));
        Instant now = Instant.now();
        announcer.announce(CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer(PRODUCER)
                        .setProducerVersion(version)
                        .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano())))
                .setCheckpoint(ref).setTrainingId(run.id()).setEpoch(epoch).setStep(step)
                .setTrainingEpsilon(config.epsilon()).setPlan(run.plan().evaluationPlan()).setProvenanceJson(provenance)
                .build());
        LOG.infof("training %s: checkpoint %s (%s, %d bytes) announced", run.id(), id, ref.getSha256(), ref.getSizeBytes());
        checkpoints.increment();
        run.checkpoint(ref, epoch, step);
    }
}
