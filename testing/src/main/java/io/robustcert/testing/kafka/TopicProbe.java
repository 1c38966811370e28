package io.robustcert.testing.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Plain Kafka clients on a test broker: send events, read a topic's records of one key from the start. */
public final class TopicProbe {

    private final String bootstrap;

    public TopicProbe(String bootstrapServers) {
        this.bootstrap = bootstrapServers;
    }

    public String bootstrap() {
        return bootstrap;
    }

    public void send(String topic, String key, byte[] value) throws Exception {
        try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            p.send(new ProducerRecord<>(topic, key, value)).get();
        }
    }

    /** A protobuf message's parseFrom, or any other reading of a record's value. */
    public interface Parser<T> {
        T parse(byte[] bytes) throws java.io.IOException;
    }

    /** The records of {@code key} on {@code topic} once {@code done} holds for them (fails after the timeout). */
    public <T> List<T> await(String topic, String key, Parser<T> parser, Predicate<List<T>> done, Duration timeout)
            throws java.io.IOException {
        List<T> parsed = new ArrayList<>();
        try {
            awaitRecords(topic, key, records -> {
                for (ConsumerRecord<String, byte[]> r : records.subList(parsed.size(), records.size())) {
                    try {
                        parsed.add(parser.parse(r.value()));
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }
                return done.test(parsed);
            }, timeout);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        } catch (AssertionError e) {
            throw new AssertionError("after " + timeout + " " + topic + " holds for " + key + " only: " + parsed);
        }
        return parsed;
    }

    /**
     * The whole records (headers included) of {@code key} on {@code topic} once {@code done} holds for them
     * (fails after the timeout).
     */
    public List<ConsumerRecord<String, byte[]>> awaitRecords(String topic, String key,
                                                             Predicate<List<ConsumerRecord<String, byte[]>>> done,
                                                             Duration timeout) {
        Map<String, Object> props = Map.of("bootstrap.servers", bootstrap, "auto.offset.reset", "earliest",
                "enable.auto.commit", "false", "group.id", "probe-" + java.util.UUID.randomUUID(),
                "metadata.max.age.ms", "2000");
        List<ConsumerRecord<String, byte[]>> seen = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            c.subscribe(List.of(topic));
            Instant deadline = Instant.now().plus(timeout);
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (key.equals(r.key())) {
                        seen.add(r);
                    }
                }
                if (done.test(seen)) {
                    return seen;
                }
            }
        }
        throw new AssertionError("after " + timeout + " " + topic + " holds " + seen.size() + " records for " + key);
    }

    /** A header's value as text, or null when the record has none by that name. */
    public static String header(ConsumerRecord<String, byte[]> record, String name) {
        org.apache.kafka.common.header.Header h = record.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
