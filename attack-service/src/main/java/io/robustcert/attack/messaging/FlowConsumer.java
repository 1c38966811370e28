package io.robustcert.attack.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
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
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile boolean running;
    private Thread thread;
    private KafkaClientMetrics consumerMetrics;

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
        Map<String, Object> props = KafkaSettings.common(kafkaConfig);
        props.put("group.id", config.groupId());
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        // One record at a time: an attack may take minutes, and nothing uncommitted piles up behind it.
        props.put("max.poll.records", "1");
        props.put("max.poll.interval.ms", Integer.toString((int) Duration.ofMinutes(30).toMillis()));
        // A topic created after the subscription (the first record auto-creates it) is found within seconds,
        // not at the default five-minute metadata refresh.
        props.put("metadata.max.age.ms", "5000");
        consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        // the consumer's own metrics on /q/metrics, lag included (kafka_consumer_fetch_manager_records_lag*)
        consumerMetrics = new KafkaClientMetrics(consumer);
        consumerMetrics.bindTo(registry);
        running = true;
        thread = new Thread(this::run, "attack-flow");
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
            consumer.subscribe(List.of(Topics.CHECKPOINTS));
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    handle(record);
                    consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                            new OffsetAndMetadata(record.offset() + 1)));
                }
            }
        } catch (WakeupException e) {
            // stop() asked to leave
        } catch (RuntimeException e) {
            LOG.error("the attacker's consumer stopped", e);
        } finally {
            consumerMetrics.close();
            consumer.close(Duration.ofSeconds(5));
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
