package io.robustcert.attack.flow;

import io.robustcert.attack.messaging.EventPublisher;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CheckpointCreated;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * The attack of an announced checkpoint, from the flow (CheckpointCreated) or on request
 * (AttackCheckpoint): results computed once per key, published on the attack-results topic, remembered.
 */
@ApplicationScoped
public class CheckpointRequests {

    private final CheckpointAttacker attacker;
    private final EventPublisher publisher;

    public CheckpointRequests(CheckpointAttacker attacker, EventPublisher publisher) {
        this.attacker = attacker;
        this.publisher = publisher;
    }

    /** CPU-bound; every result of the event's plan (new or produced before). */
    public List<AttackCompleted> attack(CheckpointCreated event) throws CheckpointException {
        String id = event.getCheckpoint().getCheckpointId();
        List<AttackCompleted> sent = new java.util.ArrayList<>();
        for (AttackCompleted a : attacker.attack(event)) {
            AttackCompleted withMeta = a.toBuilder().setMeta(publisher.meta(event.getMeta().getEventId())).build();
            publisher.send(Topics.ATTACK_RESULTS, id, withMeta);
            sent.add(withMeta);
        }
        attacker.markProduced(event, sent);
        return attacker.produced(event);
    }
}
