package io.robustcert.attack.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.flow.CheckpointRequests;
import io.robustcert.attack.flow.Topics;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.Failure;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The attacker's part of the flow, on its own thread (never the event loop): one consumer in group
 * {@code robustcert-attack} on the checkpoints topic, independent of the certifier's group, splits each
 * announced checkpoint into shard work items ({@link ShardWorker} attacks them, on any instance). A record's
 * offset is committed only after its work items (or its failure and dead letter) are acknowledged by the
 * broker; a redelivered record splits again, and the shards' results are kept once per key.
 */
@ApplicationScoped
public class FlowConsumer {

    private static final Logger LOG = Logger.getLogger(FlowConsumer.class);

    private final FlowConfig config;
    private final Config kafkaConfig;
    private final CheckpointRequests requests;
    private final EventPublisher publisher;
    private final MeterRegistry registry;
    private RecordLoop loop;

    public FlowConsumer(FlowConfig config, Config kafkaConfig, CheckpointRequests requests, EventPublisher publisher,
                        MeterRegistry registry) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.requests = requests;
        this.publisher = publisher;
        this.registry = registry;
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.flowEnabled()) {
            return;
        }
        // The consumer's own metrics (lag included, kafka_consumer_fetch_manager_records_lag*) go to /q/metrics.
        loop = new RecordLoop(KafkaSettings.consumer(kafkaConfig), config.groupId(), Map.of(), "attack-flow", registry, true);
        loop.start(List.of(Topics.CHECKPOINTS), null, record -> {
            handle(record);
            return true;
        });
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        CheckpointCreated event;
        try {
            event = CheckpointCreated.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT", e.getMessage());
            return;
        }
        String id = event.getCheckpoint().getCheckpointId();
        if (id.isEmpty()) {
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT", "checkpoint.checkpoint_id is empty");
            return;
        }
        try {
            requests.split(event);
        } catch (CheckpointException e) {
            LOG.warnf("checkpoint %s not attacked: %s %s", id, e.reason(), e.getMessage());
            fail(record, event, e.reason(), e.getMessage());
        } catch (BrokerUnavailableException e) {
            throw e; // not this checkpoint's fault: the record is tried again when the broker is back
        } catch (RuntimeException | OutOfMemoryError e) {
            // The attack itself failed (native memory refused, a defect): this checkpoint fails, the consumer
            // goes on with the next record instead of dying with its thread.
            String reason = e instanceof OutOfMemoryError ? "OUT_OF_MEMORY" : "ATTACK_FAILED";
            LOG.errorf(e, "checkpoint %s not attacked: %s", id, reason);
            fail(record, event, reason, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A failed result for the report (so it says why) and the event on the dead-letter topic: nothing was split. */
    private void fail(ConsumerRecord<String, byte[]> record, CheckpointCreated event, String reason, String message) {
        String id = event.getCheckpoint().getCheckpointId();
        publisher.send(Topics.ATTACK_RESULTS, id, AttackCompleted.newBuilder()
                .setMeta(publisher.meta(event.getMeta().getEventId()))
                .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardCount(1))
                .setFailure(Failure.newBuilder().setReason(reason).setMessage(String.valueOf(message))).build());
        publisher.deadLetter(record.topic(), record.key(), record.value(), reason, String.valueOf(message));
    }
}
