package io.robustcert.trainer.training;

import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * The runs and sweeps of this instance, trained by the configured {@link RunExecutor}: locally one after
 * another, or as Kubernetes Jobs. Kept in memory: local runs are forgotten on restart (their checkpoints stay
 * in the store and on the topic); Kubernetes runs are adopted again from their Jobs at start-up.
 */
@ApplicationScoped
@Startup // created at start, not at the first call: Kubernetes runs are adopted and watched from the start
public class TrainingRuns {

    static final int MAX_SWEEP_RUNS = 256;
    private static final Pattern UUID_FORM = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final Logger LOG = Logger.getLogger(TrainingRuns.class);

    private final TrainingSpecReader reader;
    private final RunExecutor executor;
    private final Map<String, TrainingRun> runs = new ConcurrentHashMap<>();
    private final Map<String, Sweep> sweeps = new ConcurrentHashMap<>();
    private final Map<String, String> byRequestId = new ConcurrentHashMap<>();
    private final List<TrainingRun> order = new ArrayList<>();
    /** Sweeps adopted at start-up, gathered until every run of theirs is known. */
    private final Map<String, List<TrainingRun>> adoptedSweeps = new LinkedHashMap<>();

    public TrainingRuns(TrainingSpecReader reader, RunExecutor executor) {
        this.reader = reader;
        this.executor = executor;
        synchronized (this) {
            executor.start(this::adopt);
            adoptedSweeps.forEach((id, members) -> {
                members.sort(Comparator.comparing(TrainingRun::id));
                sweeps.put(id, new Sweep(id, members));
            });
            adoptedSweeps.clear();
        }
    }

    /** Queues one run; a repeated request id returns the run it started. */
    public synchronized TrainingRun start(String requestId, TrainingSpec spec) throws InvalidRequestException {
        checkRequestId(requestId);
        Optional<TrainingRun> earlier = Optional.ofNullable(byRequestId.get(requestId)).map(runs::get);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        TrainingRun run = new TrainingRun("training-" + UUID.randomUUID(), reader.read(spec, "spec."), spec);
        register(run);
        try {
            executor.execute(run);
        } catch (RunNotStartedException e) {
            forget(List.of(run));
            throw e;
        }
        remember(requestId, run.id());
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
                    grid.add(new TrainingRun("training-" + UUID.randomUUID(), reader.read(spec, "base."), spec));
                }
            }
        }
        Sweep sweep = new Sweep("sweep-" + UUID.randomUUID(), grid);
        grid.forEach(this::register);
        try {
            executor.executeSweep(sweep.id(), grid);
        } catch (RunNotStartedException e) {
            forget(grid);
            throw e;
        }
        sweeps.put(sweep.id(), sweep);
        remember(request.getRequestId(), sweep.id());
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

    /** Asks each run to stop (through its executor: a Kubernetes run's Job is deleted). */
    public void cancel(List<TrainingRun> targets) {
        targets.forEach(executor::cancel);
    }

    private void register(TrainingRun run) {
        runs.put(run.id(), run);
        order.add(run);
    }

    private void forget(List<TrainingRun> gone) {
        gone.forEach(r -> runs.remove(r.id()));
        order.removeAll(gone);
    }

    /** A run that exists from before this instance (a Kubernetes Job), if its spec is still valid here. */
    private Optional<TrainingRun> adopt(RunExecutor.ExistingRun existing) {
        TrainingRun run;
        try {
            run = new TrainingRun(existing.runId(), reader.read(existing.spec(), "spec."), existing.spec());
        } catch (InvalidRequestException e) {
            LOG.warnf("run %s is not adopted: its spec is not valid here (%s)", existing.runId(), e.getMessage());
            return Optional.empty();
        }
        register(run);
        if (existing.sweepId() != null) {
            adoptedSweeps.computeIfAbsent(existing.sweepId(), k -> new ArrayList<>()).add(run);
        }
        return Optional.of(run);
    }
}
