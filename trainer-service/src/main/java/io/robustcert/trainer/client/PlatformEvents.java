package io.robustcert.trainer.client;

import com.google.protobuf.InvalidProtocolBufferException;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.SoundnessAlarm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** The platform's event topics as the main job reads them: from their ends at the moment it starts. */
final class PlatformEvents implements AutoCloseable {

    static final String CHECKPOINTS = "robustcert.checkpoints.v1";
    static final String REPORTS = "robustcert.evaluation-reports.v1";
    static final String ALARMS = "robustcert.soundness-alarms.v1";

    /** What the job does with each kind of event. */
    interface Handler {
        void checkpoint(CheckpointCreated event);

        void report(EvaluationReport report);

        void alarm(SoundnessAlarm alarm);
    }

    private final KafkaConsumer<String, byte[]> consumer;

    PlatformEvents(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "true");
        consumer = new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * Takes every partition of the three topics (no consumer group: the job only watches) positioned at
     * their ends now, so every event of the run that follows is seen and none of earlier runs.
     */
    void startAtEnd(Duration timeout) {
        List<TopicPartition> partitions = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        for (String topic : List.of(CHECKPOINTS, REPORTS, ALARMS)) {
            // A missing topic is created on this first look (the local broker's auto-creation) and has
            // partitions on a later one.
            List<PartitionInfo> infos = consumer.partitionsFor(topic, timeout);
            while (infos.isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("topic " + topic + " has no partitions after " + timeout);
                }
                sleep(200);
                infos = consumer.partitionsFor(topic, timeout);
            }
            infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    /** Hands every event that arrives within the wait to the handler; unreadable records are reported, not fatal. */
    void poll(Duration wait, Handler handler, Consumer<String> problems) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                switch (r.topic()) {
                    case CHECKPOINTS -> handler.checkpoint(CheckpointCreated.parseFrom(r.value()));
                    case REPORTS -> handler.report(EvaluationReport.parseFrom(r.value()));
                    default -> handler.alarm(SoundnessAlarm.parseFrom(r.value()));
                }
            } catch (InvalidProtocolBufferException e) {
                problems.accept("unreadable record on " + r.topic() + " (key " + r.key() + "): " + e.getMessage());
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
