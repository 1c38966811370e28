package io.robustcert.trainer;

import io.robustcert.v1.CheckpointCreated;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads robustcert.checkpoints.v1 with a plain Kafka consumer, as any other service would. */
final class CheckpointTopic {

    private CheckpointTopic() {
    }

    /** The CheckpointCreated events under the given keys (record key = checkpoint id), waiting up to a minute. */
    static Map<String, CheckpointCreated> read(Set<String> keys) throws Exception {
        return read(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class), keys);
    }

    /** The same from the broker at {@code bootstrap}. */
    static Map<String, CheckpointCreated> read(String bootstrap, Set<String> keys) throws Exception {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "trainer-test-" + System.nanoTime());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Map<String, CheckpointCreated> found = new LinkedHashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(Set.of("robustcert.checkpoints.v1"));
            long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
            while (!found.keySet().containsAll(keys) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (keys.contains(r.key())) {
                        if (found.put(r.key(), CheckpointCreated.parseFrom(r.value())) != null) {
                            throw new AssertionError("checkpoint " + r.key() + " announced twice");
                        }
                    }
                }
            }
        }
        return found;
    }
}
