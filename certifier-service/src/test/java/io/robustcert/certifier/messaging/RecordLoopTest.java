package io.robustcert.certifier.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.robustcert.testing.kafka.KafkaBroker;
import io.robustcert.testing.kafka.KafkaBrokerExtension;
import io.robustcert.testing.kafka.TopicProbe;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The consumer loop on a real broker: a record whose handling fails (as when the broker goes away while its
 * results are sent) is neither skipped nor committed; it is handled again until it succeeds, and only then
 * do the records after it come.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(120)
class RecordLoopTest {

    @Test
    void aRecordWhoseHandlingFailsIsTakenAgainBeforeTheNextAndCommittedOnlyOnceDone(KafkaBroker broker) throws Exception {
        String topic = "record-loop-" + UUID.randomUUID();
        String group = "record-loop-" + UUID.randomUUID();
        TopicProbe probe = new TopicProbe(broker.bootstrapServers());
        probe.send(topic, "first", "1".getBytes(StandardCharsets.UTF_8));
        probe.send(topic, "second", "2".getBytes(StandardCharsets.UTF_8));

        List<String> handled = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failuresLeft = new AtomicInteger(2);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        RecordLoop loop = new RecordLoop(Map.of("bootstrap.servers", broker.bootstrapServers()), group, Map.of(),
                "record-loop-test", registry, false);
        loop.start(List.of(topic), null, record -> {
            handled.add(record.key());
            if (record.key().equals("first") && failuresLeft.getAndDecrement() > 0) {
                throw new BrokerUnavailableException("the broker is away", null);
            }
            return true;
        });
        try {
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (!handled.contains("second")) {
                assertTrue(System.nanoTime() < deadline, "the second record never came: " + handled);
                Thread.sleep(100);
            }
        } finally {
            loop.stop();
        }
        assertEquals(List.of("first", "first", "first", "second"), handled);
        assertEquals(2.0, registry.get("robustcert.consumer.retries").tag("loop", "record-loop-test").counter().count());
        assertEquals(2.0, registry.get("robustcert.consumer.records").tag("loop", "record-loop-test").counter().count());
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(2L, committed.get(new TopicPartition(topic, 0)).offset(), committed.toString());
        }
    }
}
