package io.robustcert.trainer.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.robustcert.trainer.training.RunExecutor;
import io.robustcert.trainer.training.RunNotStartedException;
import io.robustcert.trainer.training.TrainingRun;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Runs as Kubernetes Jobs: StartTraining and every run of a StartSweep become a Job named after the run
 * ({@link TrainingJobs}); the Jobs' watch relays each phase to the run (QUEUED while the Job waits for a
 * node, RUNNING once a pod runs, then SUCCEEDED, FAILED with the Job's reason, or CANCELLED when it is
 * deleted), and the checkpoints the Jobs announce on Kafka are relayed to their runs (ListCheckpoints,
 * WatchTraining's epoch and last checkpoint). The Jobs do not depend on this process: a restarted trainer
 * adopts the Jobs it finds ({@link #start}) and hears their checkpoints again from the topic's beginning.
 */
public final class KubernetesRunExecutor implements RunExecutor, TrainingJobListener {

    /** Where checkpoint announcements come from: follows them until the returned handle is closed. */
    @FunctionalInterface
    public interface CheckpointSource {
        AutoCloseable follow(Consumer<CheckpointCreated> sink);
    }

    private static final Logger LOG = Logger.getLogger(KubernetesRunExecutor.class);
    private static final long MAX_RECONNECT_MILLIS = 30_000;

    private final TrainingJobs jobs;
    private final CheckpointSource checkpoints;
    private final Map<String, TrainingRun> runs = new ConcurrentHashMap<>();
    /** The latest state heard of every Job, also of runs not yet registered (the watch may be first). */
    private final Map<String, TrainingJobStatus> latest = new ConcurrentHashMap<>();
    private volatile Watch watch;
    private AutoCloseable following;
    private volatile boolean closed;

    public KubernetesRunExecutor(TrainingJobs jobs, CheckpointSource checkpoints) {
        this.jobs = jobs;
        this.checkpoints = checkpoints;
    }

    /** Never fails the service's start: without the API server it starts empty and keeps trying to watch. */
    @Override
    public void start(Function<ExistingRun, Optional<TrainingRun>> adopt) {
        try {
            for (TrainingJobs.SubmittedRun s : jobs.submitted()) {
                adopt.apply(new ExistingRun(s.status().runId(), s.status().sweepId(), s.spec())).ifPresent(run -> {
                    runs.put(run.id(), run);
                    latest.putIfAbsent(run.id(), s.status());
                });
            }
            if (!runs.isEmpty()) {
                LOG.infof("adopted %d training Jobs found on the cluster", runs.size());
            }
        } catch (KubernetesClientException e) {
            LOG.warnf("the training Jobs already on the cluster could not be listed (%s); none adopted", e.getMessage());
        }
        try {
            watch = jobs.watch(this);
        } catch (KubernetesClientException e) {
            onWatchClosed(e);
        }
        runs.values().forEach(r -> apply(r, latest.get(r.id())));
        following = checkpoints.follow(this::onCheckpoint);
    }

    @Override
    public void execute(TrainingRun run) {
        runs.put(run.id(), run);
        submit(List.of(run), () -> jobs.submit(run.id(), null, run.spec()));
    }

    @Override
    public void executeSweep(String sweepId, List<TrainingRun> sweep) {
        Map<String, TrainingSpec> specs = new LinkedHashMap<>();
        for (TrainingRun run : sweep) {
            runs.put(run.id(), run);
            specs.put(run.id(), run.spec());
        }
        submit(sweep, () -> jobs.submitSweep(sweepId, specs));
    }

    private void submit(List<TrainingRun> submitted, Runnable create) {
        try {
            create.run();
        } catch (IllegalStateException e) {
            submitted.forEach(r -> runs.remove(r.id()));
            throw new RunNotStartedException(e.getMessage(), false, e);
        } catch (KubernetesClientException e) {
            submitted.forEach(r -> runs.remove(r.id()));
            throw new RunNotStartedException("the Kubernetes API did not take the training Job: " + e.getMessage(),
                    true, e);
        }
        // A watch event may have come before the run was registered.
        submitted.forEach(r -> apply(r, latest.get(r.id())));
    }

    /** Deletes the run's Job; the watch reports the deletion (CANCELLED, or how it ended if it just had). */
    @Override
    public void cancel(TrainingRun run) {
        if (!jobs.cancel(run.id())) {
            run.finished(TrainingState.TRAINING_STATE_CANCELLED, null);
        }
    }

    @Override
    public void onStatus(TrainingJobStatus status) {
        latest.put(status.runId(), status);
        TrainingRun run = runs.get(status.runId());
        if (run != null) {
            apply(run, status);
        }
    }

    /** fabric8 gave up reconnecting: watch again (with growing pauses) so phases keep being relayed. */
    @Override
    public void onWatchClosed(Exception cause) {
        if (closed) {
            return;
        }
        LOG.warnf(cause, "the training Jobs' watch closed; watching again");
        Thread t = new Thread(this::rewatch, "training-job-rewatch");
        t.setDaemon(true);
        t.start();
    }

    private void rewatch() {
        long pause = 500;
        while (!closed) {
            try {
                watch = jobs.watch(this);
                return;
            } catch (KubernetesClientException e) {
                LOG.warnf("watching training Jobs failed (%s); again in %d ms", e.getMessage(), pause);
                try {
                    Thread.sleep(pause);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    return;
                }
                pause = Math.min(pause * 2, MAX_RECONNECT_MILLIS);
            }
        }
    }

    private void onCheckpoint(CheckpointCreated event) {
        TrainingRun run = runs.get(event.getTrainingId());
        if (run != null) {
            run.checkpoint(event.getCheckpoint(), event.getEpoch(), event.getStep());
        }
    }

    private static void apply(TrainingRun run, TrainingJobStatus status) {
        if (status == null) {
            return;
        }
        switch (status.phase()) {
            case PENDING -> { }
            case RUNNING -> run.started();
            case SUCCEEDED -> run.finished(TrainingState.TRAINING_STATE_SUCCEEDED, null);
            case FAILED -> run.finished(TrainingState.TRAINING_STATE_FAILED, "the training Job failed: " + status.message());
            case CANCELLED -> run.finished(TrainingState.TRAINING_STATE_CANCELLED, null);
        }
    }

    /** Stops watching and following; the Jobs themselves go on. */
    @Override
    public void close() {
        closed = true;
        if (watch != null) {
            watch.close();
        }
        if (following != null) {
            try {
                following.close();
            } catch (Exception e) {
                LOG.warnf(e, "stopping the checkpoint follower");
            }
        }
    }
}
