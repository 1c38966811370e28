package io.robustcert.attack.flow;

import io.robustcert.attack.messaging.EventPublisher;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.core.eval.ShardLayout;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationShardRequested;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * The attack of an announced checkpoint. From the flow: each shard of the plan becomes a work item on
 * {@link Topics#ATTACK_SHARDS} that any attack instance may take ({@link #attackShard}). On request
 * (AttackCheckpoint): every shard here. Results are computed once per key, published on the attack-results
 * topic, remembered.
 */
@ApplicationScoped
public class CheckpointRequests {

    private final CheckpointAttacker attacker;
    private final EventPublisher publisher;

    public CheckpointRequests(CheckpointAttacker attacker, EventPublisher publisher) {
        this.attacker = attacker;
        this.publisher = publisher;
    }

    /** CPU-bound; every result of the event's plan (new or produced before), shard by shard. */
    public List<AttackCompleted> attack(CheckpointCreated event) throws CheckpointException {
        List<AttackCompleted> all = new ArrayList<>();
        for (ShardLayout.Shard shard : attacker.layout(event)) {
            attackAndPublish(event, shard);
            all.addAll(attacker.produced(event, shard));
        }
        return all;
    }

    /** The flow's announcement: one work item per shard. */
    public void split(CheckpointCreated event) throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        AttackPlan plan = AttackPlan.of(event);
        attacker.check(event);
        for (ShardLayout.Shard shard : attacker.layout(event)) {
            publisher.send(Topics.ATTACK_SHARDS, id + "/" + shard.index(), EvaluationShardRequested.newBuilder()
                    .setMeta(publisher.meta(event.getMeta().getEventId())).setCheckpoint(event.getCheckpoint())
                    .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardIndex(shard.index())
                            .setShardCount(shard.count()).setStartIndex(shard.start()).setCount(shard.size()))
                    .setTrainingId(event.getTrainingId()).setPlan(plan.explicit(event.getPlan())).build());
        }
    }

    /** One work item: its shard attacked and the results published. */
    public void attackShard(EvaluationShardRequested request) throws CheckpointException {
        ShardRef ref = request.getShard();
        CheckpointCreated event = CheckpointCreated.newBuilder().setMeta(request.getMeta())
                .setCheckpoint(request.getCheckpoint()).setTrainingId(request.getTrainingId()).setPlan(request.getPlan())
                .build();
        attackAndPublish(event, new ShardLayout.Shard(ref.getShardIndex(), ref.getShardCount(), ref.getStartIndex(),
                ref.getCount()));
    }

    private void attackAndPublish(CheckpointCreated event, ShardLayout.Shard shard) throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        List<AttackCompleted> sent = new ArrayList<>();
        for (AttackCompleted a : attacker.attack(event, shard)) {
            AttackCompleted withMeta = a.toBuilder().setMeta(publisher.meta(event.getMeta().getEventId())).build();
            publisher.send(Topics.ATTACK_RESULTS, id, withMeta);
            sent.add(withMeta);
        }
        attacker.markProduced(event, sent);
    }
}
