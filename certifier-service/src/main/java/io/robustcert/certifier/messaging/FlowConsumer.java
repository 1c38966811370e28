package io.robustcert.certifier.messaging;

import com.google.protobuf.InvalidProtocolBufferException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.robustcert.certifier.config.FlowConfig;
import io.robustcert.certifier.flow.CheckpointRequests;
import io.robustcert.certifier.flow.Topics;
import io.robustcert.certifier.report.ReportBook;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.Failure;
import io.robustcert.v1.ShardRef;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.config.Config;
import org.jboss.logging.Logger;

/**
 * The certifier's report side of the flow, on its own thread (never the event loop): one consumer in group
 * {@code robustcert-certifier} on the checkpoints, certificates and attack-results topics. All three are
 * keyed by checkpoint id and have equal partition counts, and range assignment gives one instance the same
 * partition of each, so a checkpoint's announcement and results meet in one {@link ReportBook}. An
 * announcement is split into shard work items ({@link ShardWorker} certifies them, on any instance).
 *
 * <p>At least once: a record's offset is committed only after everything it caused is acknowledged by
 * the broker (results, report, alarms, dead letters); a redelivered record adds nothing (results are kept
 * per idempotent key). A record that cannot be processed goes to the topic's dead-letter topic with its
 * reason, and a checkpoint that cannot be certified also yields a failed CertificationCompleted, so its
 * report says why. The reports survive a restart: the partitions are read again from the beginning and what
 * was processed before rebuilds them ({@link Replay}).
 */
@ApplicationScoped
public class FlowConsumer {

    private static final Logger LOG = Logger.getLogger(FlowConsumer.class);

    private final FlowConfig config;
    private final Config kafkaConfig;
    private final CheckpointRequests requests;
    private final ReportBook reports;
    private final EventPublisher publisher;
    private final MeterRegistry registry;
    /** Per partition: records before this offset were processed before this instance had the partition. */
    private final Map<TopicPartition, Long> replayUntil = new java.util.concurrent.ConcurrentHashMap<>();
    private RecordLoop loop;

    public FlowConsumer(FlowConfig config, Config kafkaConfig, CheckpointRequests requests, ReportBook reports,
                        EventPublisher publisher, MeterRegistry registry) {
        this.config = config;
        this.kafkaConfig = kafkaConfig;
        this.requests = requests;
        this.reports = reports;
        this.publisher = publisher;
        this.registry = registry;
    }

    void start(@Observes StartupEvent ignored) {
        if (!config.flowEnabled()) {
            return;
        }
        // Range assignment gives an instance the same partition numbers of all three topics (equal partition
        // counts, k8s/base/kafka/topics.yaml): a checkpoint's announcement and results meet in one instance.
        // The consumer's own metrics (lag included, kafka_consumer_fetch_manager_records_lag*) go to /q/metrics.
        loop = new RecordLoop(KafkaSettings.consumer(kafkaConfig), config.groupId(),
                Map.of("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RangeAssignor"),
                "certifier-flow", registry, true);
        loop.start(List.of(Topics.CHECKPOINTS, Topics.CERTIFICATES, Topics.ATTACK_RESULTS), new Replay(), record -> {
            if (record.offset() < replayUntil.getOrDefault(new TopicPartition(record.topic(), record.partition()), 0L)) {
                replay(record);
                return false;
            }
            handle(record);
            return true;
        });
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (loop != null) {
            loop.stop();
        }
    }

    /**
     * The reports live in memory, so an instance that gets partitions (at start, after a restart or a
     * rebalance) reads them again from the beginning: records before the group's committed offset rebuild the
     * reports without doing or sending anything again ({@link #replay}); the rest are processed as new.
     */
    private final class Replay implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> committed = loop.consumer().committed(new HashSet<>(partitions));
            for (TopicPartition tp : partitions) {
                OffsetAndMetadata c = committed.get(tp);
                replayUntil.put(tp, c == null ? 0L : c.offset());
            }
            loop.consumer().seekToBeginning(partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            partitions.forEach(replayUntil::remove);
        }
    }

    /** A record processed before: its announcement or result back into the reports, nothing sent. */
    private void replay(ConsumerRecord<String, byte[]> record) {
        try {
            switch (record.topic()) {
                case Topics.CHECKPOINTS -> {
                    CheckpointCreated event = CheckpointCreated.parseFrom(record.value());
                    if (!event.getCheckpoint().getCheckpointId().isEmpty()) {
                        requests.restore(event);
                    }
                }
                case Topics.CERTIFICATES -> reports.restore(CertificationCompleted.parseFrom(record.value()));
                case Topics.ATTACK_RESULTS -> reports.restore(AttackCompleted.parseFrom(record.value()));
                default -> throw new IllegalStateException("not subscribed to " + record.topic());
            }
        } catch (InvalidProtocolBufferException | CheckpointException e) {
            // It went to the dead letters (or failed) the first time; nothing to rebuild from it.
        }
    }

    private void handle(ConsumerRecord<String, byte[]> record) {
        try {
            switch (record.topic()) {
                case Topics.CHECKPOINTS -> onCheckpoint(record, CheckpointCreated.parseFrom(record.value()));
                case Topics.CERTIFICATES -> reports.add(CertificationCompleted.parseFrom(record.value()));
                case Topics.ATTACK_RESULTS -> reports.add(AttackCompleted.parseFrom(record.value()));
                default -> throw new IllegalStateException("not subscribed to " + record.topic());
            }
        } catch (InvalidProtocolBufferException e) {
            LOG.warnf("malformed record at %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), e.getMessage());
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT", e.getMessage());
        }
    }

    private void onCheckpoint(ConsumerRecord<String, byte[]> record, CheckpointCreated event) {
        String id = event.getCheckpoint().getCheckpointId();
        if (id.isEmpty()) {
            publisher.deadLetter(record.topic(), record.key(), record.value(), "MALFORMED_EVENT", "checkpoint.checkpoint_id is empty");
            return;
        }
        try {
            requests.split(event);
        } catch (CheckpointException e) {
            LOG.warnf("checkpoint %s not certified: %s %s", id, e.reason(), e.getMessage());
            fail(record, event, e.reason(), e.getMessage());
        } catch (BrokerUnavailableException e) {
            throw e; // not this checkpoint's fault: the record is tried again when the broker is back
        } catch (RuntimeException | OutOfMemoryError e) {
            // The evaluation itself failed (native memory refused, a defect): this checkpoint fails, the
            // consumer goes on with the next record instead of dying with its thread.
            String reason = e instanceof OutOfMemoryError ? "OUT_OF_MEMORY" : "CERTIFICATION_FAILED";
            LOG.errorf(e, "checkpoint %s not certified: %s", id, reason);
            fail(record, event, reason, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** A failed result for the report (so it says why) and the event on the dead-letter topic: nothing was split. */
    private void fail(ConsumerRecord<String, byte[]> record, CheckpointCreated event, String reason, String message) {
        String id = event.getCheckpoint().getCheckpointId();
        Failure failure = Failure.newBuilder().setReason(reason).setMessage(String.valueOf(message)).build();
        publisher.send(Topics.CERTIFICATES, id, CertificationCompleted.newBuilder()
                .setMeta(publisher.meta(event.getMeta().getEventId()))
                .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardCount(1))
                .setFailure(failure).build());
        publisher.deadLetter(record.topic(), record.key(), record.value(), reason, String.valueOf(message));
    }
}
