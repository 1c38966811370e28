package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.io.Architecture;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.core.train.ModelZoo;
import io.robustcert.core.train.TrainableModel;
import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.ShardFailure;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Every kind of bad work the flow can meet, on the platform as separate processes: a malformed announcement or
 * work item; a checkpoint whose file is tampered with, too large, unreadable, not a model or a model with NaN
 * weights; a model that does not fit the data. Each goes to its topic's dead-letter topic with the reason in a
 * header, the report says which shards failed at which stage and why, and afterwards the services still
 * evaluate a good checkpoint exactly.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class DeadLetterTest {

    static final String CHECKPOINTS_DLQ = "robustcert.checkpoints.v1.dlq";
    /** Above the committed model (about 0.65 MB), so only the oversized checkpoint exceeds it. */
    static final int MAX_CHECKPOINT_BYTES = 1 << 20;
    static final int IMAGES = 50;
    static final int SHARD = 25;

    static Platform platform;
    static TopicProbe probe;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("dead-letters", List.of("certifier-service", "attack-service"),
                Map.of("ROBUSTCERT_STORE_MAX_CHECKPOINT_BYTES", Integer.toString(MAX_CHECKPOINT_BYTES)),
                ShardedCheckpoint::createShardTopics);
        probe = new TopicProbe(platform.broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** Bytes no protobuf message parses from: field 1 with wire type 7, which does not exist. */
    static final byte[] MALFORMED = {0x0f, 0x00, 0x01};

    @Test
    @Order(1)
    void aMalformedAnnouncementIsADeadLetterOfBothServices() {
        String key = "malformed-" + UUID.randomUUID();
        send("robustcert.checkpoints.v1", key, MALFORMED);
        assertReasons(CHECKPOINTS_DLQ, key, 2, "MALFORMED_EVENT");
    }

    @Test
    @Order(2)
    void malformedWorkItemsAreDeadLettersOfTheirShardTopics() {
        String key = "malformed-" + UUID.randomUUID() + "/0";
        send("robustcert.certification-shards.v1", key, MALFORMED);
        send("robustcert.attack-shards.v1", key, MALFORMED);
        assertReasons("robustcert.certification-shards.v1.dlq", key, 1, "MALFORMED_EVENT");
        assertReasons("robustcert.attack-shards.v1.dlq", key, 1, "MALFORMED_EVENT");
    }

    @Test
    @Order(3)
    void aCheckpointWhoseFileWasTamperedWithFailsAsAHashMismatch() throws Exception {
        byte[] model = ShardedCheckpoint.naturalModel();
        CheckpointRef ref = ShardedCheckpoint.store(platform, model);
        byte[] tampered = model.clone();
        tampered[tampered.length - 1] ^= 1;
        Files.write(new StoreLayout(platform.store).pathOf(new Sha256(ref.getSha256())), tampered);
        assertWholeCheckpointFails(ref, "CHECKPOINT_HASH_MISMATCH");
    }

    @Test
    @Order(4)
    void aCheckpointLargerThanTheLimitIsRefusedBeforeItIsRead() throws Exception {
        byte[] big = new byte[MAX_CHECKPOINT_BYTES + 1];
        new Random(3).nextBytes(big);
        assertWholeCheckpointFails(ShardedCheckpoint.store(platform, big), "CHECKPOINT_TOO_LARGE");
    }

    @Test
    @Order(5)
    void aCheckpointThatCannotBeReadFailsAsUnreadable() throws Exception {
        byte[] content = "a directory stands where this file should be".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        // the URI as the file would have it (taken before the directory exists: a directory's URI ends in a slash)
        CheckpointRef ref = ShardedCheckpoint.ref(platform, content);
        Files.createDirectories(new StoreLayout(platform.store).pathOf(Sha256.of(content)));
        assertWholeCheckpointFails(ref, "CHECKPOINT_UNREADABLE");
    }

    @Test
    @Order(6)
    void aFileThatIsNotAModelIsRejected() throws Exception {
        byte[] noise = new byte[4096];
        new Random(5).nextBytes(noise);
        assertWholeCheckpointFails(ShardedCheckpoint.store(platform, noise), "MODEL_REJECTED");
    }

    @Test
    @Order(7)
    void aModelWithANaNWeightIsRejected() throws Exception {
        byte[] model = ShardedCheckpoint.naturalModel();
        // safetensors: an 8-byte little-endian header length, the JSON header, then the tensors' data
        int data = 8 + (int) ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
        ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN).putFloat(data, Float.NaN);
        assertWholeCheckpointFails(ShardedCheckpoint.store(platform, model), "MODEL_REJECTED");
    }

    /** mnist_small laid out for CIFAR-10's 3×32×32 inputs loads, but no shard of MNIST images fits it. */
    @Test
    @Order(8)
    void aModelThatDoesNotFitTheDataFailsEveryShardAtBothStages() throws Exception {
        Architecture cifar = Architecture.parse(ModelZoo.architecture("mnist_small", DatasetKind.CIFAR10));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(TrainableModel.initialized(cifar, new SplittableRandom(1)).network(), "{}", out);
        CheckpointRef ref = ShardedCheckpoint.store(platform, out.toByteArray());
        ShardedCheckpoint.announce(platform, ref, IMAGES, SHARD);
        String id = ref.getCheckpointId();
        for (String topic : List.of("robustcert.certification-shards.v1.dlq", "robustcert.attack-shards.v1.dlq")) {
            for (int shard = 0; shard < IMAGES / SHARD; shard++) {
                assertReasons(topic, id + "/" + shard, 1, "MODEL_REJECTED");
            }
        }
        EvaluationReport report = failedReport(id, 2 * IMAGES / SHARD);
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        for (ShardFailure f : report.getFailedShardsList()) {
            assertEquals("MODEL_REJECTED", f.getFailure().getReason(), f.toString());
            assertEquals(SHARD, f.getShard().getCount(), "each failure names its shard's samples: " + f);
        }
        assertEquals(List.of(0, 0, 1, 1), report.getFailedShardsList().stream().map(f -> f.getShard().getShardIndex())
                .sorted().toList());
    }

    @Test
    @Order(9)
    void afterwardsTheServicesStillEvaluateAGoodCheckpointExactly() throws Exception {
        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                Duration.ofMinutes(5));
        assertEquals(0, report.getFailedShardsCount());
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);
        assertTrue(platform.service("certifier-service").ready() && platform.service("attack-service").ready());
    }

    private static void send(String topic, String key, byte[] value) {
        try {
            probe.send(topic, key, value);
        } catch (Exception e) {
            throw new AssertionError("sending to " + topic, e);
        }
    }

    /** {@code count} dead letters of {@code key} on {@code topic}, each with {@code reason} and a message. */
    private static void assertReasons(String topic, String key, int count, String reason) {
        List<ConsumerRecord<String, byte[]>> letters = probe.awaitRecords(topic, key, l -> l.size() >= count,
                Duration.ofMinutes(3));
        assertEquals(count, letters.size(), topic + " " + key);
        for (ConsumerRecord<String, byte[]> r : letters) {
            assertEquals(reason, TopicProbe.header(r, "robustcert-reason"), topic + " " + key + ": "
                    + TopicProbe.header(r, "robustcert-message"));
            assertFalse(TopicProbe.header(r, "robustcert-message").isBlank());
        }
    }

    /**
     * The announcement is a dead letter of both services with {@code reason}, and the report names the
     * checkpoint's failure at both stages: no shard can be evaluated, none is complete.
     */
    private static void assertWholeCheckpointFails(CheckpointRef ref, String reason) throws Exception {
        ShardedCheckpoint.announce(platform, ref, IMAGES, SHARD);
        assertReasons(CHECKPOINTS_DLQ, ref.getCheckpointId(), 2, reason);
        EvaluationReport report = failedReport(ref.getCheckpointId(), 2);
        assertEquals(Map.of("certification", reason, "attack", reason), report.getFailedShardsList().stream()
                .collect(Collectors.toMap(ShardFailure::getStage, f -> f.getFailure().getReason())));
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        assertEquals(report.getShardsTotal(), report.getShardsComplete(), "every shard failed: none is awaited");
    }

    /** The report once {@code failures} failures are in and no shard is awaited; never complete. */
    private static EvaluationReport failedReport(String id, int failures) {
        EvaluationReport report = ShardedCheckpoint.awaitReport(platform, List.of("certifier-service"), id,
                r -> r.getFailedShardsCount() >= failures && r.getShardsComplete() == r.getShardsTotal(),
                Duration.ofMinutes(3));
        assertFalse(report.getComplete(), report.toString());
        assertEquals(failures, report.getFailedShardsCount(), report.toString());
        return report;
    }
}
