package io.robustcert.trainer.training;

import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingResult;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One training run's state as the API shows it: its phase, latest progress and checkpoints. Written by
 * the one thread that trains it, read by any number of API calls and watchers.
 */
public final class TrainingRun {

    private final String id;
    private final TrainingPlan plan;
    private final TrainingSpec spec;
    private final List<Consumer<TrainingProgress>> watchers = new CopyOnWriteArrayList<>();
    private final List<CheckpointSummary> checkpoints = new ArrayList<>();
    private TrainingProgress progress;
    private String failure;
    private volatile boolean cancelRequested;

    TrainingRun(String id, TrainingPlan plan, TrainingSpec spec) {
        this.id = id;
        this.plan = plan;
        this.spec = spec;
        this.progress = TrainingProgress.newBuilder().setTrainingId(id).setState(TrainingState.TRAINING_STATE_QUEUED).build();
    }

    public String id() {
        return id;
    }

    public TrainingPlan plan() {
        return plan;
    }

    /** The validated request this run trains (what a Kubernetes Job carries). */
    public TrainingSpec spec() {
        return spec;
    }

    public synchronized TrainingProgress progress() {
        return progress;
    }

    public synchronized boolean done() {
        return terminal(progress.getState());
    }

    /** Why the run failed; null unless FAILED. */
    public synchronized String failure() {
        return failure;
    }

    public synchronized TrainingResult result() {
        return TrainingResult.newBuilder().setTrainingId(id)
                .addAllCheckpoints(checkpoints.stream().map(CheckpointSummary::getCheckpoint).toList()).build();
    }

    public synchronized List<CheckpointSummary> checkpoints() {
        return List.copyOf(checkpoints);
    }

    boolean cancelRequested() {
        return cancelRequested;
    }

    /** Asks the run to stop; a queued run never starts, a running one stops after its current batch. */
    public void requestCancel() {
        cancelRequested = true;
    }

    /**
     * Calls the watcher with the current progress and then with every change until the run ends. Returns
     * false (and registers nothing) when the run has already ended; the watcher then got the final state.
     */
    public boolean watch(Consumer<TrainingProgress> watcher) {
        TrainingProgress now;
        synchronized (this) {
            now = progress;
            if (!terminal(now.getState())) {
                watchers.add(watcher);
            }
        }
        watcher.accept(now);
        return !terminal(now.getState());
    }

    public void unwatch(Consumer<TrainingProgress> watcher) {
        watchers.remove(watcher);
    }

    /** Marks the run as training (the executor's report). */
    public void started() {
        update(progress.toBuilder().setState(TrainingState.TRAINING_STATE_RUNNING).build());
    }

    void batch(int epoch, long step, double epsilon, double loss) {
        update(progress.toBuilder().setEpoch(epoch).setStep(step).setCurrentEpsilon(epsilon).setLoss(loss).build());
    }

    /**
     * Records a checkpoint written by this run. A checkpoint already recorded (an announcement heard twice)
     * changes nothing; one heard after the run ended is still listed.
     */
    public void checkpoint(CheckpointRef ref, int epoch, long step) {
        TrainingProgress next;
        synchronized (this) {
            if (checkpoints.stream().anyMatch(c -> c.getCheckpoint().getCheckpointId().equals(ref.getCheckpointId()))) {
                return;
            }
            checkpoints.add(CheckpointSummary.newBuilder().setCheckpoint(ref).setTrainingId(id).setEpoch(epoch).setStep(step).build());
            next = progress.toBuilder().setLastCheckpoint(ref).setEpoch(Math.max(progress.getEpoch(), epoch))
                    .setStep(Math.max(progress.getStep(), step)).build();
        }
        update(next);
    }

    /** Records how the run ended; {@code why} explains a failure. Nothing changes after the first end. */
    public void finished(TrainingState state, String why) {
        synchronized (this) {
            if (terminal(progress.getState())) {
                return;
            }
            failure = why;
        }
        update(progress.toBuilder().setState(state).build());
        watchers.clear();
    }

    private void update(TrainingProgress next) {
        synchronized (this) {
            if (terminal(progress.getState())) {
                return;
            }
            progress = next;
        }
        for (Consumer<TrainingProgress> w : watchers) {
            w.accept(next);
        }
    }

    static boolean terminal(TrainingState state) {
        return state == TrainingState.TRAINING_STATE_SUCCEEDED || state == TrainingState.TRAINING_STATE_FAILED
                || state == TrainingState.TRAINING_STATE_CANCELLED;
    }
}
