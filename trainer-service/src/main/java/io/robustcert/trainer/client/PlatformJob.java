package io.robustcert.trainer.client;

import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.SoundnessAlarm;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainerServiceGrpc;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import io.robustcert.v1.WatchTrainingRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The main job's client: starts one training run on real MNIST over gRPC, then prints its progress, each
 * CheckpointCreated and each EvaluationReport (and SoundnessAlarm) of its checkpoints as they arrive.
 * It ends when every checkpoint has a complete report, or {@code --report-timeout} seconds after the run
 * ended. Exit codes: 0 all reported, 1 the run failed, 2 bad arguments, 3 reports missing.
 */
public final class PlatformJob implements PlatformEvents.Handler {

    private static final PrintStream OUT = System.out;

    private final JobOptions options;
    private final Map<String, CheckpointCreated> checkpoints = new LinkedHashMap<>();
    private final Set<String> reported = new LinkedHashSet<>();
    private final AtomicReference<TrainingProgress> finalProgress = new AtomicReference<>();
    private String trainingId;

    private PlatformJob(JobOptions options) {
        this.options = options;
    }

    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("platform job: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.exit(new PlatformJob(options).run());
    }

    private int run() throws Exception {
        ManagedChannel channel = ManagedChannelBuilder.forTarget(options.trainer()).usePlaintext().build();
        try (PlatformEvents events = new PlatformEvents(options.bootstrapServers())) {
            events.startAtEnd(Duration.ofSeconds(60));
            TrainerServiceGrpc.TrainerServiceBlockingStub trainer = TrainerServiceGrpc.newBlockingStub(channel);
            Operation op;
            try {
                op = trainer.withDeadlineAfter(60, TimeUnit.SECONDS).startTraining(StartTrainingRequest.newBuilder()
                        .setRequestId(UUID.randomUUID().toString()).setSpec(spec()).build());
            } catch (StatusRuntimeException e) {
                OUT.println("[trainer] StartTraining at " + options.trainer() + " failed: " + e.getStatus());
                return 1;
            }
            trainingId = op.getName();
            OUT.printf(Locale.ROOT, "[trainer] %s: mnist_small, %s, ε %.4f, %d MNIST training images, %d epochs%n", trainingId,
                    options.method().name().substring("TRAINING_METHOD_".length()), options.epsilon(), options.images(), options.epochs());
            Thread watcher = new Thread(() -> watch(trainer), "watch-training");
            watcher.setDaemon(true);
            watcher.start();
            long endedAt = 0;
            while (true) {
                events.poll(Duration.ofMillis(500), this, p -> OUT.println("[events] " + p));
                TrainingProgress end = finalProgress.get();
                if (end == null) {
                    continue;
                }
                if (endedAt == 0) {
                    endedAt = System.nanoTime();
                }
                if (end.getState() != TrainingState.TRAINING_STATE_SUCCEEDED) {
                    OUT.println("[trainer] the run ended " + end.getState() + "; see the trainer's log");
                    return 1;
                }
                if (!checkpoints.isEmpty() && reported.containsAll(checkpoints.keySet())) {
                    OUT.println("[done] every checkpoint of " + trainingId + " has its report");
                    return 0;
                }
                if (System.nanoTime() - endedAt > TimeUnit.SECONDS.toNanos(options.reportTimeoutSeconds())) {
                    Set<String> missing = new LinkedHashSet<>(checkpoints.keySet());
                    missing.removeAll(reported);
                    OUT.println("[done] no complete report within " + options.reportTimeoutSeconds() + " s after training for: "
                            + String.join(", ", missing) + " (nothing on " + PlatformEvents.REPORTS + ")");
                    return 3;
                }
            }
        } finally {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    private TrainingSpec spec() {
        EvaluationPlan plan = EvaluationPlan.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(options.evalImages()))
                .addEpsilons(options.epsilon()).addMethods(BoundMethod.BOUND_METHOD_IBP).addMethods(BoundMethod.BOUND_METHOD_CROWN_IBP)
                .setMode(ComputeMode.COMPUTE_MODE_SOUND).build();
        return TrainingSpec.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("train").setCount(options.images()))
                .setMethod(options.method()).setEpsilon(options.epsilon()).setEpochs(options.epochs()).setBatchSize(64)
                .setLearningRate(1e-3).setSeed(2019).setWarmupEpochs(1).setRampEpochs(Math.max(options.epochs() - 2, 0))
                .setCheckpointEveryEpochs(1).setEvaluationPlan(plan).build();
    }

    /** Prints a line per epoch and every few seconds; records the final state. */
    private void watch(TrainerServiceGrpc.TrainerServiceBlockingStub trainer) {
        TrainingProgress last = null;
        long printedAt = 0;
        try {
            var it = trainer.watchTraining(WatchTrainingRequest.newBuilder().setTrainingId(trainingId).build());
            while (it.hasNext()) {
                TrainingProgress p = it.next();
                boolean newEpoch = last == null || p.getEpoch() != last.getEpoch() || p.getState() != last.getState();
                if (newEpoch || System.nanoTime() - printedAt > TimeUnit.SECONDS.toNanos(5)) {
                    OUT.printf(Locale.ROOT, "[trainer] %-8s epoch %d/%d  step %d  ε %.4f  loss %.4f%n",
                            p.getState().name().substring("TRAINING_STATE_".length()).toLowerCase(Locale.ROOT), p.getEpoch(),
                            options.epochs(), p.getStep(), p.getCurrentEpsilon(), p.getLoss());
                    printedAt = System.nanoTime();
                }
                last = p;
            }
        } catch (StatusRuntimeException e) {
            OUT.println("[trainer] watch ended: " + e.getStatus());
            last = TrainingProgress.newBuilder().setState(TrainingState.TRAINING_STATE_FAILED).build();
        }
        finalProgress.set(last);
    }

    @Override
    public void checkpoint(CheckpointCreated e) {
        if (!e.getTrainingId().equals(trainingId)) {
            return;
        }
        checkpoints.put(e.getCheckpoint().getCheckpointId(), e);
        OUT.printf(Locale.ROOT, "[checkpoint] %s  epoch %d  sha256 %s  %d bytes  %s%n", e.getCheckpoint().getCheckpointId(),
                e.getEpoch(), e.getCheckpoint().getSha256(), e.getCheckpoint().getSizeBytes(), e.getCheckpoint().getUri());
    }

    @Override
    public void report(EvaluationReport r) {
        if (!r.getTrainingId().equals(trainingId)) {
            return;
        }
        OUT.printf(Locale.ROOT, "[report] %s  epoch %d  %s (%d/%d shards)%n", r.getCheckpoint().getCheckpointId(), r.getEpoch(),
                r.getComplete() ? "complete" : "partial", r.getShardsComplete(), r.getShardsTotal());
        for (ErrorRates e : r.getRatesList()) {
            OUT.printf(Locale.ROOT, "           ε %.4f  %-9s %-5s  standard %6.2f%%  PGD %6.2f%%  verified %6.2f%%  (%d samples)%n",
                    e.getEpsilon(), e.getMethod() == BoundMethod.BOUND_METHOD_UNSPECIFIED ? "best"
                            : e.getMethod().name().substring("BOUND_METHOD_".length()),
                    e.getMode().name().substring("COMPUTE_MODE_".length()).toLowerCase(Locale.ROOT),
                    e.getStandardError(), e.getPgdError(), e.getVerifiedError(), e.getSamples());
        }
        r.getFailedShardsList().forEach(f -> OUT.println("           shard " + f.getShard().getShardIndex() + " failed in " + f.getStage()
                + ": " + f.getFailure().getReason() + " " + f.getFailure().getMessage()));
        r.getPlotUrisList().forEach(u -> OUT.println("           plot " + u));
        if (r.getSoundnessAlarms() > 0) {
            OUT.println("           SOUNDNESS ALARMS: " + r.getSoundnessAlarms());
        }
        if (r.getComplete()) {
            reported.add(r.getCheckpoint().getCheckpointId());
        }
    }

    @Override
    public void alarm(SoundnessAlarm a) {
        if (checkpoints.containsKey(a.getShard().getCheckpointId())) {
            OUT.printf(Locale.ROOT, "[ALARM] %s: %d samples proved robust at ε %.4f (%s) were broken by the attack: %s%n",
                    a.getShard().getCheckpointId(), a.getSampleIndicesCount(), a.getEpsilon(), a.getMethod(), a.getSampleIndicesList());
        }
    }
}
