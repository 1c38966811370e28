package io.robustcert.attack.flow;

import io.micrometer.core.instrument.MeterRegistry;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.attack.store.CheckpointStore;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.ShardLayout;
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
 * Attacks one shard of a checkpoint under its plan: the verified model from the store, the shard's samples of
 * the plan's slice ({@link ShardLayout}), and one {@link AttackCompleted} per ε from core's attack-only
 * {@link Evaluator} run (clean verdict, PGD checked in float64). Results already produced by this instance (same
 * checkpoint id and content, slice, shard, ε and attack) are not computed again, so a redelivered work item
 * costs nothing and adds nothing.
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

    /**
     * Fails now, once, for a checkpoint no shard could load (outside the store, missing, too large, another
     * hash) instead of once per shard later.
     */
    public void check(CheckpointCreated event) throws CheckpointException {
        store.load(event.getCheckpoint());
    }

    /** The shards of the event's plan over its slice. */
    public List<ShardLayout.Shard> layout(CheckpointCreated event) throws CheckpointException {
        AttackPlan plan = AttackPlan.of(event);
        int samples = datasets.size(plan.dataset());
        try {
            return ShardLayout.of(samples, plan.shardSize());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("PLAN_INVALID", "plan.shard_size: " + e.getMessage());
        }
    }

    /** The shard's results not produced before, unmarked until {@link #markProduced} (CPU-bound). */
    public List<AttackCompleted> attack(CheckpointCreated event, ShardLayout.Shard shard) throws CheckpointException {
        AttackPlan plan = AttackPlan.of(event);
        String id = event.getCheckpoint().getCheckpointId();
        List<AttackCompleted> out = new ArrayList<>();
        Network network = null;
        Samples samples = null;
        for (double eps : plan.epsilons()) {
            AttackCompleted.Builder done = AttackCompleted.newBuilder().setDataset(plan.dataset()).setEpsilon(eps)
                    .setAttack(plan.attack()).setShard(ShardRef.newBuilder().setCheckpointId(id)
                            .setShardIndex(shard.index()).setShardCount(shard.count()).setStartIndex(shard.start())
                            .setCount(shard.size()));
            if (produced.containsKey(key(event, done))) {
                continue;
            }
            if (network == null) {
                network = store.load(event.getCheckpoint());
                if (!layout(event).contains(shard)) {
                    throw new CheckpointException("PLAN_INVALID", "shard " + shard.index() + " of " + shard.count()
                            + " (samples [" + shard.start() + ", " + (shard.start() + shard.size()) + ")) is not a shard of "
                            + "the plan's slice in shards of " + plan.shardSize());
                }
                // only the shard's samples are copied out of the dataset, not the whole slice
                samples = datasets.slice(plan.dataset(), shard.start(), shard.size());
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

    /** The results this instance produced for the event's plan and one of its shards, in ε order. */
    public List<AttackCompleted> produced(CheckpointCreated event, ShardLayout.Shard shard) throws CheckpointException {
        AttackPlan plan = AttackPlan.of(event);
        List<AttackCompleted> out = new ArrayList<>();
        for (double eps : plan.epsilons()) {
            AttackCompleted a = produced.get(key(event, AttackCompleted.newBuilder().setDataset(plan.dataset())
                    .setEpsilon(eps).setAttack(plan.attack()).setShard(ShardRef.newBuilder().setShardIndex(shard.index()))));
            if (a != null) {
                out.add(a);
            }
        }
        return out;
    }

    /** The idempotent key: the checkpoint (id and content), the samples, the shard, ε and the attack. */
    private static String key(CheckpointCreated event, AttackCompleted.Builder a) {
        return event.getCheckpoint().getCheckpointId() + "|" + event.getCheckpoint().getSha256() + "|" + a.getDataset()
                + "|" + a.getShard().getShardIndex() + "|" + a.getEpsilon() + "|" + a.getAttack();
    }
}
