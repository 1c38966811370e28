package io.robustcert.trainer.kubernetes;

import com.google.protobuf.InvalidProtocolBufferException;
import io.robustcert.v1.CheckpointCreated;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * Reads CheckpointCreated from the checkpoints topic on a thread of its own, from the beginning (a
 * restarted trainer hears again what its adopted Jobs announced). It takes every partition itself, without a
 * consumer group, and commits nothing: the trainer only listens (so its Kafka user needs no group ACL); the
 * certifier's and the attacker's groups are the ones whose progress counts.
 */
public final class CheckpointFollower implements KubernetesRunExecutor.CheckpointSource {

    /** How often the topic's partitions are looked up again (the topic may not exist yet, or grow). */
    static final Duration PARTITION_REFRESH = Duration.ofSeconds(30);
    private static final Logger LOG = Logger.getLogger(CheckpointFollower.class);

    private final Map<String, Object> kafka;
    private final String topic;

    /** {@code kafka}: the client settings (bootstrap servers and, on Kubernetes, SASL). */
    public CheckpointFollower(Map<String, Object> kafka, String topic) {
        this.kafka = Map.copyOf(kafka);
        this.topic = topic;
    }

    @Override
    public AutoCloseable follow(Consumer<CheckpointCreated> sink) {
        Map<String, Object> props = new HashMap<>(kafka);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A listener never creates the topic: it waits for it (the trainer's producer or a KafkaTopic makes it).
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props);
        CountDownLatch closing = new CountDownLatch(1);
        Thread thread = new Thread(() -> loop(consumer, sink, closing), "checkpoint-follower");
        thread.setDaemon(true);
        thread.start();
        return () -> {
            closing.countDown();
            consumer.wakeup();
            thread.join(10_000);
        };
    }

    private void loop(KafkaConsumer<String, byte[]> consumer, Consumer<CheckpointCreated> sink, CountDownLatch closing) {
        try (consumer) {
            Set<TopicPartition> assigned = Set.of();
            long nextLookup = System.nanoTime();
            while (true) {
                if (System.nanoTime() - nextLookup >= 0) {
                    Set<TopicPartition> now = new HashSet<>();
                    try {
                        for (PartitionInfo p : consumer.partitionsFor(topic)) {
                            now.add(new TopicPartition(topic, p.partition()));
                        }
                    } catch (TimeoutException e) {
                        LOG.warnf("no metadata for %s yet (%s); trying again", topic, e.getMessage());
                        now = assigned;
                    }
                    if (!now.equals(assigned)) {
                        Set<TopicPartition> added = new HashSet<>(now);
                        added.removeAll(assigned);
                        consumer.assign(now);
                        consumer.seekToBeginning(added);
                        assigned = now;
                    }
                    nextLookup = System.nanoTime() + PARTITION_REFRESH.toNanos();
                }
                if (assigned.isEmpty()) {
                    if (closing.await(1, TimeUnit.SECONDS)) {
                        return;
                    }
                    nextLookup = System.nanoTime();
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofSeconds(1))) {
                    try {
                        if (r.value() == null) {
                            throw new InvalidProtocolBufferException("a record without a value");
                        }
                        sink.accept(CheckpointCreated.parseFrom(r.value()));
                    } catch (InvalidProtocolBufferException e) {
                        LOG.warnf("skipping a record at %s-%d@%d that is not a CheckpointCreated", r.topic(),
                                r.partition(), r.offset());
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "relaying checkpoint %s failed", r.key());
                    }
                }
            }
        } catch (WakeupException e) {
            // close(): done.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.errorf(e, "the checkpoint follower stopped; checkpoints of Kubernetes runs are no longer relayed");
        }
    }

    /** The Kafka client settings every client of the service shares, from the service's configuration. */
    public static Map<String, Object> settings(org.eclipse.microprofile.config.Config config) {
        Map<String, Object> props = new HashMap<>();
        for (String key : List.of("bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config")) {
            config.getOptionalValue("kafka." + key, String.class).ifPresent(v -> props.put(key, v));
        }
        props.putIfAbsent("bootstrap.servers", "localhost:9092");
        return props;
    }
}
