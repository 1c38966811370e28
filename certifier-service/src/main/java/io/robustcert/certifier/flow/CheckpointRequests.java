package io.robustcert.certifier.flow;

import io.robustcert.certifier.certify.MethodChoice;
import io.robustcert.certifier.messaging.EventPublisher;
import io.robustcert.certifier.report.ReportBook;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.core.eval.ShardLayout;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.EvaluationShardRequested;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Certification of an announced checkpoint. From the flow: the report learns the plan and its shards, and each
 * shard becomes a work item on {@link Topics#CERTIFICATION_SHARDS} that any certifier instance may take
 * ({@link #certifyShard}); the results come back to the report through the certificates topic. On request
 * (CertifyCheckpoint): every shard here, one after another, and the report after them.
 */
@ApplicationScoped
public class CheckpointRequests {

    private final CheckpointCertifier certifier;
    private final ReportBook reports;
    private final EventPublisher publisher;

    public CheckpointRequests(CheckpointCertifier certifier, ReportBook reports, EventPublisher publisher) {
        this.certifier = certifier;
        this.reports = reports;
        this.publisher = publisher;
    }

    /** CPU-bound; returns the checkpoint's report after its certification. */
    public EvaluationReport certify(CheckpointCreated event) throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        List<ShardLayout.Shard> shards = announce(event);
        for (ShardLayout.Shard shard : shards) {
            for (CertificationCompleted sent : certifyAndPublish(event, shard)) {
                reports.add(sent);
            }
        }
        return reports.get(id).orElseThrow();
    }

    /** The flow's announcement: the report's expectations, then one work item per shard. */
    public void split(CheckpointCreated event) throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        ResolvedPlan plan = ResolvedPlan.of(event);
        List<ShardLayout.Shard> shards = announce(event);
        certifier.check(event);
        for (ShardLayout.Shard shard : shards) {
            publisher.send(Topics.CERTIFICATION_SHARDS, id + "/" + shard.index(), EvaluationShardRequested.newBuilder()
                    .setMeta(publisher.meta(event.getMeta().getEventId())).setCheckpoint(event.getCheckpoint())
                    .setShard(ref(id, shard)).setTrainingId(event.getTrainingId())
                    .setPlan(plan.explicit(event.getPlan())).build());
        }
    }

    /** Replay after a restart: the report learns the plan and its shards again; nothing is split or sent. */
    public void restore(CheckpointCreated event) throws CheckpointException {
        ResolvedPlan plan = ResolvedPlan.of(event);
        reports.restore(event, plan.epsilons(), plan.methods().stream().map(MethodChoice::wire).toList(),
                certifier.layout(event).size());
    }

    /**
     * One work item: its shard certified and the results published (the instance that holds the checkpoint's
     * report adds them when they come back on the certificates topic).
     */
    public void certifyShard(EvaluationShardRequested request) throws CheckpointException {
        ShardRef ref = request.getShard();
        CheckpointCreated event = CheckpointCreated.newBuilder().setMeta(request.getMeta())
                .setCheckpoint(request.getCheckpoint()).setTrainingId(request.getTrainingId()).setPlan(request.getPlan())
                .build();
        certifyAndPublish(event, new ShardLayout.Shard(ref.getShardIndex(), ref.getShardCount(), ref.getStartIndex(),
                ref.getCount()));
    }

    static ShardRef ref(String checkpointId, ShardLayout.Shard shard) {
        return ShardRef.newBuilder().setCheckpointId(checkpointId).setShardIndex(shard.index())
                .setShardCount(shard.count()).setStartIndex(shard.start()).setCount(shard.size()).build();
    }

    private List<ShardLayout.Shard> announce(CheckpointCreated event) throws CheckpointException {
        ResolvedPlan plan = ResolvedPlan.of(event);
        List<ShardLayout.Shard> shards = certifier.layout(event);
        reports.announce(event, plan.epsilons(), plan.methods().stream().map(MethodChoice::wire).toList(), shards.size());
        return shards;
    }

    private List<CertificationCompleted> certifyAndPublish(CheckpointCreated event, ShardLayout.Shard shard)
            throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        List<CertificationCompleted> results = certifier.certify(event, shard);
        List<CertificationCompleted> sent = results.stream()
                .map(c -> c.toBuilder().setMeta(publisher.meta(event.getMeta().getEventId())).build()).toList();
        for (CertificationCompleted c : sent) {
            publisher.send(Topics.CERTIFICATES, id, c);
        }
        certifier.markProduced(event, results);
        return sent;
    }
}
