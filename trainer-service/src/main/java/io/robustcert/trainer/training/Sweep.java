package io.robustcert.trainer.training;

import io.robustcert.v1.SweepProgress;
import io.robustcert.v1.SweepResult;
import java.util.List;

/** A grid of runs started together, trained one after another. */
public record Sweep(String id, List<TrainingRun> runs) {

    public Sweep {
        runs = List.copyOf(runs);
    }

    public boolean done() {
        return runs.stream().allMatch(TrainingRun::done);
    }

    public SweepProgress progress() {
        return SweepProgress.newBuilder().setSweepId(id).setRunsTotal(runs.size())
                .setRunsDone((int) runs.stream().filter(TrainingRun::done).count())
                .addAllTrainingIds(runs.stream().map(TrainingRun::id).toList()).build();
    }

    public SweepResult result() {
        return SweepResult.newBuilder().setSweepId(id).addAllRuns(runs.stream().map(TrainingRun::result).toList()).build();
    }
}
