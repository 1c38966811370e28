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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * Takes attack shards off {@link Topics#ATTACK_SHARDS} in group {@code robustcert-attack-shards},
 * one at a time on its own thread: every attack instance takes its share (its partitions), so several
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
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;

    public ShardWorker(FlowConfig config, Config kafkaConfig, CheckpointRequests requests, EventPublisher publisher,
                       MeterRegistry registry) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.requests = requests;
        this.publisher = publisher;
        this.shards = Counter.builder("robustcert.attack.shards").description("Attack shards done here")
                .register(registry);
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.flowEnabled()) {
            return;
        }
        Map<String, Object> props = KafkaSettings.common(kafkaConfig);
        props.put("group.id", config.shardGroupId());
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        // One shard at a time: nothing uncommitted waits behind the shard in hand.
        props.put("max.poll.records", "1");
        props.put("max.poll.interval.ms", Integer.toString((int) Duration.ofMinutes(30).toMillis()));
        // A topic created after the subscription (the first record auto-creates it) is found within seconds,
        // not at the default five-minute metadata refresh.
        props.put("metadata.max.age.ms", "5000");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        running = true;
        thread = new Thread(this::run, "attack-shards");
        thread.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (thread == null) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(30).toMillis());
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.ATTACK_SHARDS));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    handle(record);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // stop() asked to leave; the shard in hand, if any, was finished or is handed back uncommitted
        } catch (RuntimeException e) {
            LOG.error("the attacker's shard consumer stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
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
