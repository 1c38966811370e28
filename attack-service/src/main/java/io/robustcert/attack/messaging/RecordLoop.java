package io.robustcert.attack.messaging;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

/**
 * One Kafka consumer of the flow on a thread of its own (never the event loop): records one at a time, since
 * one may take minutes and nothing uncommitted should pile up behind it, and a record's offset committed only
 * after its handler returned, that is after everything it caused is on the broker. A record whose handling or
 * commit fails (the broker away, say) is not skipped: it is taken again after a pause that grows to 30 s, so
 * the loop outlives a broker restart instead of dying with its thread.
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
    private final Counter retries;
    private final Counter handled;
    private volatile boolean running;
    private Thread thread;

    /**
     * @param extra         settings of this consumer beyond the common ones (assignment strategy, say)
     * @param registry      where {@code robustcert_consumer_records_total{loop=name}} (handled and committed) and
     *                      {@code robustcert_consumer_retries_total{loop=name}} go
     * @param clientMetrics whether the consumer's own metrics (lag included) go there too
     */
    RecordLoop(Map<String, Object> kafka, String groupId, Map<String, Object> extra, String name, MeterRegistry registry,
               boolean clientMetrics) {
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
        this.metrics = clientMetrics ? new KafkaClientMetrics(consumer) : null;
        this.retries = Counter.builder("robustcert.consumer.retries").tag("loop", name)
                .description("Records taken again because their handling or commit failed").register(registry);
        this.handled = Counter.builder("robustcert.consumer.records").tag("loop", name)
                .description("Records handled and committed").register(registry);
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

    /** Asks the loop to leave after the record in hand (several loops stop together: ask all, then {@link #stop}). */
    void requestStop() {
        running = false;
    }

    /**
     * Leaves after the record in hand, if any, is finished and committed (within a second when there is none).
     * A record still unfinished after 30 s is abandoned uncommitted: it is handed out again, and the results
     * it already sent are kept once by their keys.
     */
    void stop() throws InterruptedException {
        if (thread == null) {
            return;
        }
        requestStop();
        thread.join(Duration.ofSeconds(30).toMillis());
        if (thread.isAlive()) {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(5).toMillis());
        }
    }

    private void run(List<String> topics, ConsumerRebalanceListener listener, Handler handler) {
        try {
            if (listener == null) {
                consumer.subscribe(topics);
            } else {
                consumer.subscribe(topics, listener);
            }
            Backoff backoff = new Backoff();
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(Duration.ofSeconds(1));
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    LOG.warnf("the consumer %s cannot poll (%s); trying again in %d ms", name, e, backoff.next());
                    backoff.pause(() -> running);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    try {
                        if (handler.handle(record)) {
                            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(record.offset() + 1)));
                            handled.increment();
                        }
                        backoff.reset();
                    } catch (WakeupException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        // Not done (the broker went away while its results were sent, the commit did not go
                        // through): the record comes again, after a pause, unless the partition went to
                        // another instance meanwhile, which takes it from the last committed offset.
                        LOG.warnf("the consumer %s did not finish %s-%d@%d (%s); trying again in %d ms", name,
                                record.topic(), record.partition(), record.offset(), e, backoff.next());
                        retries.increment();
                        if (consumer.assignment().contains(partition)) {
                            consumer.seek(partition, record.offset());
                        }
                        backoff.pause(() -> running);
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

    /** Pauses between tries: 0.5 s doubling to 30 s, back to the start after a success; cut short by a stop. */
    private static final class Backoff {
        private static final long FIRST_MS = 500;
        private static final long MAX_MS = 30_000;
        private long nextMs = FIRST_MS;

        long next() {
            return nextMs;
        }

        void reset() {
            nextMs = FIRST_MS;
        }

        void pause(java.util.function.BooleanSupplier running) {
            long until = System.nanoTime() + nextMs * 1_000_000L;
            nextMs = Math.min(MAX_MS, nextMs * 2);
            try {
                while (running.getAsBoolean() && System.nanoTime() < until) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
    }
}
