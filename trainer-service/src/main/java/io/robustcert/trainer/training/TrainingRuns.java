package io.robustcert.trainer.training;

import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The runs and sweeps of this instance (in memory: they are forgotten on restart; their checkpoints stay
 * in the store and on the topic). Runs are trained one after another on one worker thread: on a CPU
 * machine two runs at once would only share the same cores.
 */
@ApplicationScoped
public class TrainingRuns {

    static final int MAX_SWEEP_RUNS = 256;
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final TrainingSpecReader reader;
    private final LocalTraining training;
    private final Map<String, TrainingRun> runs = new ConcurrentHashMap<>();
    private final Map<String, Sweep> sweeps = new ConcurrentHashMap<>();
    private final Map<String, String> byRequestId = new ConcurrentHashMap<>();
    private final List<TrainingRun> order = new ArrayList<>();
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "training-worker");
        t.setDaemon(true);
        return t;
    });

    public TrainingRuns(TrainingSpecReader reader, LocalTraining training) {
        this.reader = reader;
        this.training = training;
    }

    /** Queues one run; a repeated request id returns the run it started. */
    public synchronized TrainingRun start(String requestId, TrainingSpec spec) throws InvalidRequestException {
        checkRequestId(requestId);
        Optional<TrainingRun> earlier = Optional.ofNullable(byRequestId.get(requestId)).map(runs::get);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        TrainingRun run = new TrainingRun("training-" + UUID.randomUUID(), reader.read(spec, "spec."));
        remember(requestId, run.id());
        submit(run);
        return run;
    }

    /** Queues every combination of methods × epsilons × seeds (each list empty = the base's value). */
    public synchronized Sweep startSweep(StartSweepRequest request) throws InvalidRequestException {
        checkRequestId(request.getRequestId());
        Optional<Sweep> earlier = Optional.ofNullable(byRequestId.get(request.getRequestId())).map(sweeps::get);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        TrainingSpec base = request.getBase();
        List<TrainingMethod> methods = request.getMethodsList().isEmpty() ? List.of(base.getMethod()) : request.getMethodsList();
        List<Double> epsilons = request.getEpsilonsList().isEmpty() ? List.of(base.getEpsilon()) : request.getEpsilonsList();
        List<Long> seeds = request.getSeedsList().isEmpty() ? List.of(base.getSeed()) : request.getSeedsList();
        Violations v = new Violations();
        long total = (long) methods.size() * epsilons.size() * seeds.size();
        if (total > MAX_SWEEP_RUNS) {
            v.add("methods", "the grid has " + total + " runs; at most " + MAX_SWEEP_RUNS + " are allowed");
        }
        for (int i = 0; i < request.getMethodsCount(); i++) {
            TrainingSpecReader.methodName(request.getMethods(i), "methods[" + i + "]", v);
        }
        for (int i = 0; i < request.getEpsilonsCount(); i++) {
            v.finiteIn("epsilons[" + i + "]", request.getEpsilons(i), 0, 1);
        }
        v.throwIfAny();
        List<TrainingRun> grid = new ArrayList<>();
        for (TrainingMethod m : methods) {
            for (double e : epsilons) {
                for (long s : seeds) {
                    TrainingSpec spec = base.toBuilder().setMethod(m).setEpsilon(e).setSeed(s).build();
                    grid.add(new TrainingRun("training-" + UUID.randomUUID(), reader.read(spec, "base.")));
                }
            }
        }
        Sweep sweep = new Sweep("sweep-" + UUID.randomUUID(), grid);
        sweeps.put(sweep.id(), sweep);
        remember(request.getRequestId(), sweep.id());
        grid.forEach(this::submit);
        return sweep;
    }

    public Optional<TrainingRun> run(String id) {
        return Optional.ofNullable(runs.get(id));
    }

    public Optional<Sweep> sweep(String id) {
        return Optional.ofNullable(sweeps.get(id));
    }

    /** Every checkpoint written, in the order written (of one run when an id is given). */
    public synchronized List<CheckpointSummary> checkpoints(String trainingId) {
        List<CheckpointSummary> all = new ArrayList<>();
        for (TrainingRun r : order) {
            if (trainingId.isEmpty() || r.id().equals(trainingId)) {
                all.addAll(r.checkpoints());
            }
        }
        return all;
    }

    private void checkRequestId(String requestId) throws InvalidRequestException {
        if (!requestId.isEmpty() && !UUID_FORM.matcher(requestId).matches()) {
            Violations v = new Violations();
            v.add("request_id", "must be a UUID, got '" + requestId + "'");
            v.throwIfAny();
        }
    }

    private void remember(String requestId, String id) {
        if (!requestId.isEmpty()) {
            byRequestId.put(requestId, id);
        }
    }

    private void submit(TrainingRun run) {
        runs.put(run.id(), run);
        order.add(run);
        worker.submit(() -> training.run(run));
    }

    /** Stops the running run after its batch and lets the queued ones end as cancelled. */
    @PreDestroy
    void shutdown() throws InterruptedException {
        runs.values().forEach(TrainingRun::requestCancel);
        worker.shutdown();
        worker.awaitTermination(30, TimeUnit.SECONDS);
    }
}
