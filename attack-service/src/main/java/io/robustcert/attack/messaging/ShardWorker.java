package io.robustcert.attack.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.flow.CheckpointRequests;
import io.robustcert.attack.flow.Topics;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.EvaluationShardRequested;
import io.robustcert.v1.Failure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Takes attack shards off {@link Topics#ATTACK_SHARDS} in group {@code robustcert-attack-shards},
 * one at a time per consumer ({@code robustcert.flow.shard-consumers} of them, default 1, each on its own thread):
 * every attack instance takes its share (its partitions), so several
 * instances attack one checkpoint together. A shard's offset is committed only after its results are on the
 * broker; a shard taken twice (after a crash or a rebalance) yields the same results under the same keys,
 * which the report keeps once. A shard that cannot be attacked yields a failed result for its shard and goes
 * to the dead-letter topic with the reason. {@code robustcert_attack_shards_total} counts the shards this
 * instance attacked.
 */
@ApplicationScoped
public class ShardWorker {

    private static final Logger LOG = Logger.getLogger(ShardWorker.class);

    private final FlowConfig config;
    private final Config kafkaConfig;
    private final CheckpointRequests requests;
    private final EventPublisher publisher;
    private final Counter shards;
    private final MeterRegistry registry;
    private final List<RecordLoop> loops = new java.util.ArrayList<>();

    public ShardWorker(FlowConfig config, Config kafkaConfig, CheckpointRequests requests, EventPublisher publisher,
                       MeterRegistry registry) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.requests = requests;
        this.publisher = publisher;
        this.registry = registry;
        this.shards = Counter.builder("robustcert.attack.shards").description("Attack shards done here")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.flowEnabled()) {
            return;
        }
        for (int i = 0; i < config.shardConsumers(); i++) {
            RecordLoop loop = new RecordLoop(KafkaSettings.consumer(kafkaConfig), config.shardGroupId(), Map.of(),
                    i == 0 ? "attack-shards" : "attack-shards-" + i, registry, false);
            loops.add(loop);
            loop.start(List.of(Topics.ATTACK_SHARDS), null, record -> {
                handle(record);
                return true;
            });
        }
    }

    /** The shards in hand are finished or, uncommitted, handed out again. */
    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        loops.forEach(RecordLoop::requestStop);
        for (RecordLoop loop : loops) {
            loop.stop();
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        EvaluationShardRequested request;
        try {
            request = EvaluationShardRequested.parseFrom(record.value());
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("malformed shard at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT", e.getMessage());
            return;
        }
        if (request.getCheckpoint().getCheckpointId().isEmpty() || !request.getShard().getCheckpointId()
                .equals(request.getCheckpoint().getCheckpointId())) {
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT",
                    "checkpoint.checkpoint_id is empty or differs from shard.checkpoint_id");
            return;
        }
        try {
            requests.attackShard(request);
            shards.increment();
        } catch (CheckpointException e) {
            LOG.warnf("shard %s not attacked: %s %s", record.key(), e.reason(), e.getMessage());
            fail(record, request, e.reason(), e.getMessage());
        } catch (BrokerUnavailableException e) {
            throw e; // not this checkpoint's fault: the record is tried again when the broker is back
        } catch (RuntimeException | OutOfMemoryError e) {
            String reason = e instanceof OutOfMemoryError ? "OUT_OF_MEMORY" : "ATTACK_FAILED";
            LOG.errorf(e, "shard %s not attacked: %s", record.key(), reason);
            fail(record, request, reason, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A failed result for the shard (so the report says which shard failed and why) and the dead letter. */
    private void fail(ConsumerRecord<String, byte[]> record, EvaluationShardRequested request, String reason, String message) {
        Failure failure = Failure.newBuilder().setReason(reason).setMessage(String.valueOf(message)).build();
        publisher.send(Topics.ATTACK_RESULTS, request.getCheckpoint().getCheckpointId(), AttackCompleted.newBuilder()
                .setMeta(publisher.meta(request.getMeta().getEventId())).setShard(request.getShard())
                .setFailure(failure).build());
        publisher.deadLetter(record.topic(), record.key(), record.value(), reason, String.valueOf(message));
    }
}
