package io.robustcert.core.train;

import io.robustcert.core.optim.Adam;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything a run needs to continue exactly: the parameters, the optimiser's state, how many epochs are
 * done and what they measured. Randomness is not part of it: each epoch's generators are derived from the
 * seed and the epoch number ({@link Trainer}), so resuming at an epoch boundary replays the same draws.
 */
public final class TrainingState {

    private final TrainableModel model;
    private final Adam optimizer;
    private final List<EpochMetrics> history;
    private int epochsDone;

    public TrainingState(TrainableModel model, Adam optimizer, int epochsDone, List<EpochMetrics> history) {
        this.model = model;
        this.optimizer = optimizer;
        this.epochsDone = epochsDone;
        this.history = new ArrayList<>(history);
    }

    public TrainableModel model() {
        return model;
    }

    public Adam optimizer() {
        return optimizer;
    }

    public int epochsDone() {
        return epochsDone;
    }

    public List<EpochMetrics> history() {
        return List.copyOf(history);
    }

    void finishEpoch(EpochMetrics metrics) {
        history.add(metrics);
        epochsDone++;
    }
}
