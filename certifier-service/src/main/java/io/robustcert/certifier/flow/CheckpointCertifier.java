package io.robustcert.certifier.flow;

import io.robustcert.certifier.certify.CertificationMetrics;
import io.robustcert.certifier.certify.MethodChoice;
import io.robustcert.certifier.config.FlowConfig;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.certifier.store.CheckpointStore;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.eval.Certification;
import io.robustcert.core.eval.ShardLayout;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Certifies one shard of a checkpoint under its plan: the verified model from the store, the shard's samples of
 * the plan's slice ({@link ShardLayout}), and one {@link CertificationCompleted} per (ε, method) computed by
 * core's {@link Certification}. Results already produced by this instance (same checkpoint id and content,
 * dataset slice, shard, ε, method and mode) are not computed again, so a redelivered work item costs nothing
 * and adds nothing.
 */
@ApplicationScoped
public class CheckpointCertifier {

    private final CheckpointStore store;
    private final DatasetShelf datasets;
    private final FlowConfig config;
    private final CertificationMetrics metrics;
    private final Set<String> produced = ConcurrentHashMap.newKeySet();

    public CheckpointCertifier(CheckpointStore store, DatasetShelf datasets, FlowConfig config,
                               CertificationMetrics metrics) {
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
        ResolvedPlan plan = ResolvedPlan.of(event);
        int samples = datasets.size(plan.dataset());
        try {
            return ShardLayout.of(samples, plan.shardSize());
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("PLAN_INVALID", "plan.shard_size: " + e.getMessage());
        }
    }

    /** The shard's results not produced before, unmarked until {@link #markProduced} (CPU-bound). */
    public List<CertificationCompleted> certify(CheckpointCreated event, ShardLayout.Shard shard) throws CheckpointException {
        ResolvedPlan plan = ResolvedPlan.of(event);
        String id = event.getCheckpoint().getCheckpointId();
        List<CertificationCompleted> out = new ArrayList<>();
        Network network = null;
        Samples samples = null;
        for (double eps : plan.epsilons()) {
            List<MethodChoice> methods = plan.methods().stream()
                    .filter(m -> !produced.contains(key(event, plan.dataset(), shard.index(), eps, m.wire(), plan.mode())))
                    .toList();
            if (methods.isEmpty()) {
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
            List<BoundMethod> engines = methods.stream().map(MethodChoice::engine).toList();
            Certification.Result result;
            try {
                result = new Certification(engines, new LinfBall(eps, InputDomain.UNIT), plan.precision(),
                        config.batchSize()).certify(network, samples.inputs(), samples.labels());
            } catch (IllegalArgumentException e) {
                // core refuses a model that does not fit the data (input size, classes)
                throw new CheckpointException("MODEL_REJECTED", "checkpoint " + id + " on " + samples.name() + ": "
                        + e.getMessage());
            }
            for (MethodChoice m : methods) {
                CertificationCompleted.Builder done = CertificationCompleted.newBuilder()
                        .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardIndex(shard.index())
                                .setShardCount(shard.count()).setStartIndex(shard.start()).setCount(shard.size()))
                        .setDataset(plan.dataset()).setEpsilon(eps).setMethod(m.wire()).setMode(plan.mode())
                        .setSlopeRule(m.slopeRule());
                boolean[] verified = result.verified(m.engine().label());
                boolean[] correct = result.correct();
                int count = 0;
                for (int i = 0; i < verified.length; i++) {
                    done.addCorrect(correct[i]).addVerified(verified[i]);
                    count += verified[i] ? 1 : 0;
                }
                out.add(done.build());
                metrics.record(m.engine().label(), plan.precision().label(), samples.size(), count);
            }
        }
        return out;
    }

    /** Remembers results of the event once they are on the broker. */
    public void markProduced(CheckpointCreated event, List<CertificationCompleted> results) {
        for (CertificationCompleted c : results) {
            produced.add(key(event, c.getDataset(), c.getShard().getShardIndex(), c.getEpsilon(), c.getMethod(), c.getMode()));
        }
    }

    /** The idempotent key: the checkpoint (id and content), the samples, the shard, ε, method and mode. */
    private static String key(CheckpointCreated event, DatasetSlice dataset, int shard, double eps,
                              io.robustcert.v1.BoundMethod method, ComputeMode mode) {
        return event.getCheckpoint().getCheckpointId() + "|" + event.getCheckpoint().getSha256() + "|" + dataset + "|"
                + shard + "|" + eps + "|" + method + "|" + mode;
    }
}
