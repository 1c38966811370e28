package io.robustcert.trainer.training;

import io.robustcert.v1.TrainingSpec;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Where runs train: on this machine, one after another ({@link LocalRunExecutor}), or as Kubernetes Jobs
 * (io.robustcert.trainer.kubernetes). Either way the executor reports a run's phases, progress and
 * checkpoints on its {@link TrainingRun}, which the API reads.
 */
public interface RunExecutor extends AutoCloseable {

    /**
     * Called once before any other method: hands every run that already exists outside this process (the
     * Jobs an earlier trainer instance submitted) to {@code adopt}, tracks those it returns, then starts
     * relaying their state.
     */
    default void start(Function<ExistingRun, Optional<TrainingRun>> adopt) {
    }

    /** Starts or queues one run; throws {@link RunNotStartedException} when it cannot. */
    void execute(TrainingRun run);

    /** Starts or queues every run of a sweep, all or none. */
    void executeSweep(String sweepId, List<TrainingRun> runs);

    /** Asks a run to stop; the run reports CANCELLED once it has. */
    void cancel(TrainingRun run);

    /** Stops relaying. Local runs in progress stop; Kubernetes Jobs go on (a restarted trainer adopts them). */
    @Override
    void close();

    /** A run found at start-up: its id, the sweep it belongs to (or null) and what it trains. */
    record ExistingRun(String runId, String sweepId, TrainingSpec spec) {
    }
}
