package io.robustcert.testing.kafka;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes records to a real broker and reads them back with an independent consumer. */
final class RoundTrip {

    static final String TOPIC = "robustcert.round-trip-test.v1";
    private static final Duration WAIT = Duration.ofSeconds(60);

    private RoundTrip() {
    }

    /** Sends one record with a fresh key and value, and returns the value. */
    static String send(String bootstrap) throws Exception {
        String value = UUID.randomUUID().toString();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) WAIT.toMillis());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "key-" + value, value)).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        return value;
    }

    /** Reads the topic from its start until every value appears; fails after a minute. */
    static void expect(String bootstrap, List<String> values) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            java.util.Set<String> missing = new java.util.HashSet<>(values);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (!missing.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    if (r.key().equals("key-" + r.value())) {
                        missing.remove(r.value());
                    }
                }
            }
            if (!missing.isEmpty()) {
                fail("records never came back from " + bootstrap + ": " + missing);
            }
        }
    }

    static void check(String bootstrap) throws Exception {
        expect(bootstrap, List.of(send(bootstrap)));
    }
}
