package io.robustcert.trainer.training;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Trains runs in this process, one after another on one worker thread: on a CPU machine two runs at once
 * would only share the same cores.
 */
public final class LocalRunExecutor implements RunExecutor {

    private final LocalTraining training;
    private final Set<TrainingRun> unfinished = ConcurrentHashMap.newKeySet();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-worker");
        t.setDaemon(true);
        return t;
    });

    public LocalRunExecutor(LocalTraining training) {
        this.training = training;
    }

    @Override
    public void execute(TrainingRun run) {
        unfinished.add(run);
        worker.submit(() -> {
            try {
                training.run(run);
            } finally {
                unfinished.remove(run);
            }
        });
    }

    @Override
    public void executeSweep(String sweepId, List<TrainingRun> runs) {
        runs.forEach(this::execute);
    }

    @Override
    public void cancel(TrainingRun run) {
        run.requestCancel();
    }

    /** Stops the running run after its batch and lets the queued ones end as cancelled. */
    @Override
    public void close() {
        unfinished.forEach(TrainingRun::requestCancel);
        worker.shutdown();
        try {
            worker.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
