package io.robustcert.certifier.report;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustcert.certifier.flow.Topics;
import io.robustcert.certifier.messaging.EventPublisher;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.ShardRef;
import io.robustcert.v1.SoundnessAlarm;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The reports: joins each checkpoint's certification and attack results as they arrive, publishes the
 * updated report on the compacted reports topic (keyed by checkpoint id, so the topic keeps the latest),
 * raises a {@link SoundnessAlarm} (event and {@code robustcert_certifier_soundness_alarms_total}) once per
 * (checkpoint, ε, method, shard) whose certified samples the attack broke, and serves GetReport and WatchReports.
 * Called from the flow's consumer thread; reads come from gRPC threads.
 */
@ApplicationScoped
public class ReportBook {

    private final EventPublisher publisher;
    private final MeterRegistry metrics;
    private final Map<String, CheckpointResults> checkpoints = new HashMap<>();
    private final Map<String, EvaluationReport> latest = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Long> alarmCounts = new HashMap<>();
    private final Set<String> raised = new HashSet<>();
    private final BroadcastProcessor<EvaluationReport> updates = BroadcastProcessor.create();

    public ReportBook(EventPublisher publisher, MeterRegistry metrics) {
        this.publisher = publisher;
        this.metrics = metrics;
    }

    /** What the checkpoint's plan expects: certificates per (ε, method, shard), attacks per (ε, shard). */
    public synchronized void announce(CheckpointCreated event, List<Double> epsilons, List<BoundMethod> methods, int shards) {
        String id = event.getCheckpoint().getCheckpointId();
        results(id).announce(event, epsilons, methods, shards);
        publish(id, event.getMeta().getEventId());
    }

    public synchronized void add(CertificationCompleted c) {
        if (results(c.getShard().getCheckpointId()).add(c)) {
            update(c.getShard().getCheckpointId(), c.getMeta().getEventId(), c.getShard());
        }
    }

    public synchronized void add(AttackCompleted a) {
        if (results(a.getShard().getCheckpointId()).add(a)) {
            update(a.getShard().getCheckpointId(), a.getMeta().getEventId(), a.getShard());
        }
    }

    /**
     * Replay after a restart: the same announcement, taken into the state without publishing anything (the
     * report and its alarms were published before the restart).
     */
    public synchronized void restore(CheckpointCreated event, List<Double> epsilons, List<BoundMethod> methods, int shards) {
        String id = event.getCheckpoint().getCheckpointId();
        results(id).announce(event, epsilons, methods, shards);
        rebuild(id);
    }

    /** Replay of a certification result: into the state, nothing published. */
    public synchronized void restore(CertificationCompleted c) {
        if (results(c.getShard().getCheckpointId()).add(c)) {
            rebuild(c.getShard().getCheckpointId());
        }
    }

    /** Replay of an attack result: into the state, nothing published. */
    public synchronized void restore(AttackCompleted a) {
        if (results(a.getShard().getCheckpointId()).add(a)) {
            rebuild(a.getShard().getCheckpointId());
        }
    }

    /** The replayed state's report for GetReport, and its alarms marked as raised (they were, before). */
    private void rebuild(String id) {
        for (CheckpointResults.Join j : results(id).joins()) {
            String key = id + "|" + j.epsilon() + "|" + j.method() + "|" + j.shard();
            if (!j.alarmed().isEmpty() && raised.add(key)) {
                alarmCounts.merge(id, (long) j.alarmed().size(), Long::sum);
            }
        }
        latest.put(id, results(id).report(alarmCounts.getOrDefault(id, 0L)));
    }

    /** The latest report of a checkpoint. */
    public Optional<EvaluationReport> get(String checkpointId) {
        return Optional.ofNullable(latest.get(checkpointId));
    }

    /** Every report published from now on. */
    public Multi<EvaluationReport> updates() {
        return updates;
    }

    private CheckpointResults results(String id) {
        return checkpoints.computeIfAbsent(id, CheckpointResults::new);
    }

    private void update(String id, String causation, ShardRef shard) {
        for (CheckpointResults.Join j : results(id).joins()) {
            String key = id + "|" + j.epsilon() + "|" + j.method() + "|" + j.shard();
            if (j.alarmed().isEmpty() || !raised.add(key)) {
                continue;
            }
            SoundnessAlarm alarm = SoundnessAlarm.newBuilder().setMeta(publisher.meta(causation)).setShard(shard)
                    .setEpsilon(j.epsilon()).setMethod(j.method()).addAllSampleIndices(j.alarmed()).build();
            publisher.send(Topics.ALARMS, id, alarm);
            alarmCounts.merge(id, (long) j.alarmed().size(), Long::sum);
            metrics.counter("robustcert.certifier.soundness.alarms", "method", j.method().name())
                    .increment(j.alarmed().size());
        }
        publish(id, causation);
    }

    private void publish(String id, String causation) {
        EvaluationReport report = results(id).report(alarmCounts.getOrDefault(id, 0L)).toBuilder()
                .setMeta(publisher.meta(causation)).build();
        publisher.send(Topics.REPORTS, id, report);
        latest.put(id, report);
        updates.onNext(report);
    }
}
