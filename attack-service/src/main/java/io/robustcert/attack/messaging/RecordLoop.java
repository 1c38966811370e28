package io.robustcert.attack.messaging;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One Kafka consumer of the flow on a thread of its own (never the event loop): records one at a time, since
 * one may take minutes and nothing uncommitted should pile up behind it, and a record's offset committed only
 * after its handler returned, that is after everything it caused is on the broker.
 */
final class RecordLoop {

    /** Handles one record; false leaves its offset uncommitted (a record replayed, committed long ago). */
    interface Handler {
        boolean handle(ConsumerRecord<String, byte[]> record);
    }

    private static final Logger LOG = Logger.getLogger(RecordLoop.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final String name;
    private final KafkaClientMetrics metrics;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param extra    settings of this consumer beyond the common ones (assignment strategy, say)
     * @param registry where the consumer's own metrics go (lag included), or null for none
     */
    RecordLoop(Map<String, Object> kafka, String groupId, Map<String, Object> extra, String name, MeterRegistry registry) {
        Map<String, Object> props = new java.util.HashMap<>(kafka);
        props.put("group.id", groupId);
        props.put("enable.auto.commit", "false");
        props.put("auto.offset.reset", "earliest");
        props.put("max.poll.records", "1");
        props.put("max.poll.interval.ms", Integer.toString((int) Duration.ofMinutes(30).toMillis()));
        // A topic created after the subscription (the first record auto-creates it) is found within seconds,
        // not at the default five-minute metadata refresh.
        props.put("metadata.max.age.ms", "5000");
        props.putAll(extra);
        this.consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
        this.name = name;
        this.metrics = registry == null ? null : new KafkaClientMetrics(consumer);
        if (metrics != null) {
            metrics.bindTo(registry);
        }
    }

    /** For a rebalance listener, which runs on the loop's thread. */
    KafkaConsumer<String, byte[]> consumer() {
        return consumer;
    }

    /** {@code listener}: told of partition assignments, or null. */
    void start(List<String> topics, ConsumerRebalanceListener listener, Handler handler) {
        running = true;
        thread = new Thread(() -> run(topics, listener, handler), name);
        thread.start();
    }

    /** Leaves after the record in hand, if any (uncommitted when it is not finished: it is handed out again). */
    void stop() throws InterruptedException {
        if (thread == null) {
            return;
        }
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(30).toMillis());
    }

    private void run(List<String> topics, ConsumerRebalanceListener listener, Handler handler) {
        try {
            if (listener == null) {
                consumer.subscribe(topics);
            } else {
                consumer.subscribe(topics, listener);
            }
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofSeconds(1))) {
                    if (handler.handle(record)) {
                        consumer.commitSync(Map.of(new TopicPartition(record.topic(), record.partition()),
                                new OffsetAndMetadata(record.offset() + 1)));
                    }
                }
            }
        } catch (WakeupException e) {
            // stop() asked to leave
        } catch (RuntimeException e) {
            LOG.errorf(e, "the consumer %s stopped", name);
        } finally {
            if (metrics != null) {
                metrics.close();
            }
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
