package io.robustcert.certifier.messaging;

import com.google.protobuf.Message;
import com.google.protobuf.Timestamp;
import io.robustcert.v1.EventMeta;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's one Kafka producer: idempotent (retries never duplicate a record), acks from all
 * in-sync replicas. Records are protobuf events keyed by checkpoint id. {@link #send} waits for the
 * broker's acknowledgement, so a caller that commits its input offset afterwards never loses a result.
 */
@ApplicationScoped
public class EventPublisher {

    public static final String PRODUCER = "certifier-service";

    private final KafkaProducer<String, byte[]> producer;
    private final String version;

    public EventPublisher(Config config, @ConfigProperty(name = "quarkus.application.version", defaultValue = "0")
            String version) {
        Map<String, Object> props = KafkaSettings.producer(config);
        props.put("enable.idempotence", "true");
        props.put("acks", "all");
        props.put("client.id", PRODUCER);
        this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
        this.version = version;
    }

    /** A fresh header caused by the event {@code causationId} (empty for none). */
    public EventMeta meta(String causationId) {
        Instant now = Instant.now();
        return EventMeta.newBuilder().setEventId(UUID.randomUUID().toString())
                .setOccurredAt(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
                .setProducer(PRODUCER).setProducerVersion(version).setCausationId(causationId).build();
    }

    /** Sends and waits for the acknowledgement; {@link BrokerUnavailableException} when the broker did not take it. */
    public void send(String topic, String key, Message event) {
        deliver(new ProducerRecord<>(topic, key, event.toByteArray()));
    }

    /** A record that could not be processed, with the reason in headers, to the topic's dead-letter topic. */
    public void deadLetter(String topic, String key, byte[] value, String reason, String message) {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(topic + ".dlq", key, value);
        record.headers().add(new RecordHeader("robustcert-reason", reason.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader("robustcert-message", message.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        deliver(record);
    }

    private void deliver(ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BrokerUnavailableException("interrupted while sending", e);
        } catch (ExecutionException e) {
            throw refused(e.getCause());
        } catch (KafkaException e) {
            // send() itself gave up (no metadata within max.block.ms: the broker is away)
            throw refused(e);
        }
    }

    /**
     * A retriable error (the delivery timeout, no leader, not enough replicas) means the broker is away and the
     * work is tried again later; any other (a record too large, no authorisation) is a failure of this record.
     */
    private static RuntimeException refused(Throwable cause) {
        if (cause instanceof RetriableException) {
            return new BrokerUnavailableException("Kafka did not take a record: " + cause, cause);
        }
        return new IllegalStateException("Kafka refused a record: " + cause, cause);
    }

    @PreDestroy
    void close() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
