package io.robustcert.attack.flow;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.attack.store.CheckpointStore;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.SampleVerdict;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Attacks a checkpoint under its plan: the verified model from the store, the plan's samples, and one
 * {@link AttackCompleted} per ε from core's attack-only {@link Evaluator} run (clean verdict, PGD checked in
 * float64). Results already produced by this instance (same checkpoint id and content, slice, ε and attack) are not
 * computed again, so a redelivered event costs nothing and adds nothing.
 */
@ApplicationScoped
public class CheckpointAttacker {

    private final CheckpointStore store;
    private final DatasetShelf datasets;
    private final FlowConfig config;
    private final MeterRegistry metrics;
    private final Map<String, AttackCompleted> produced = new ConcurrentHashMap<>();

    public CheckpointAttacker(CheckpointStore store, DatasetShelf datasets, FlowConfig config, MeterRegistry metrics) {
        this.store = store;
        this.datasets = datasets;
        this.config = config;
        this.metrics = metrics;
    }

    /** The results not produced before, unmarked until {@link #markProduced} (CPU-bound). */
    public List<AttackCompleted> attack(CheckpointCreated event) throws CheckpointException {
        AttackPlan plan = AttackPlan.of(event);
        String id = event.getCheckpoint().getCheckpointId();
        List<AttackCompleted> out = new ArrayList<>();
        Network network = null;
        Samples samples = null;
        for (double eps : plan.epsilons()) {
            AttackCompleted.Builder done = AttackCompleted.newBuilder().setDataset(plan.dataset()).setEpsilon(eps)
                    .setAttack(plan.attack());
            if (produced.containsKey(key(event, done))) {
                continue;
            }
            if (network == null) {
                network = store.load(event.getCheckpoint());
                samples = datasets.slice(plan.dataset());
            }
            EvaluationReport report;
            try {
                report = new Evaluator(new EvaluationSettings(AttackSettings.at(plan.attack(), eps), List.of(),
                        Precision.SOUND, config.batchSize())).evaluate(network, samples.inputs(), samples.labels(),
                        samples.name());
            } catch (IllegalArgumentException e) {
                throw new CheckpointException("MODEL_REJECTED", "checkpoint " + id + " on " + samples.name() + ": "
                        + e.getMessage());
            }
            done.setShard(ShardRef.newBuilder().setCheckpointId(id).setShardIndex(0).setShardCount(1).setStartIndex(0)
                    .setCount(samples.size()));
            int broken = 0;
            for (SampleVerdict v : report.samples()) {
                done.addCorrect(v.cleanCorrect()).addBroken(v.broken());
                broken += v.broken() ? 1 : 0;
            }
            out.add(done.build());
            metrics.counter("robustcert.attack.images").increment(samples.size());
            metrics.counter("robustcert.attack.broken").increment(broken);
        }
        return out;
    }

    /** Remembers results once they are on the broker. */
    public void markProduced(CheckpointCreated event, List<AttackCompleted> results) {
        for (AttackCompleted a : results) {
            produced.put(key(event, a.toBuilder()), a);
        }
    }

    /** The results this instance produced for the event's plan, in ε order. */
    public List<AttackCompleted> produced(CheckpointCreated event) throws CheckpointException {
        AttackPlan plan = AttackPlan.of(event);
        List<AttackCompleted> out = new ArrayList<>();
        for (double eps : plan.epsilons()) {
            AttackCompleted a = produced.get(key(event, AttackCompleted.newBuilder()
                    .setDataset(plan.dataset()).setEpsilon(eps).setAttack(plan.attack())));
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The idempotent key: the checkpoint (id and content), the samples, ε and the attack. */
    private static String key(CheckpointCreated event, AttackCompleted.Builder a) {
        return event.getCheckpoint().getCheckpointId() + "|" + event.getCheckpoint().getSha256() + "|" + a.getDataset()
                + "|" + a.getEpsilon() + "|" + a.getAttack();
    }
}
