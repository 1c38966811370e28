package io.robustcert.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.attack.flow.Topics;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EventMeta;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The attacker in the flow, on a real broker: a checkpoint in a temporary store announced (twice) by
 * CheckpointCreated gives one AttackCompleted whose per-sample verdicts equal core's attack-only evaluation.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(StoreTestResource.class)
class AttackFlowTest {

    static final int N = 60;
    static final double EPS = 0.05;
    static final Duration WAIT = Duration.ofSeconds(90);
    static final AttackSpec SPEC = AttackSpec.newBuilder().setPreset(AttackSpec.Preset.PRESET_PLATFORM_DEFAULT)
            .setSteps(20).setRestarts(1).build();

    static byte[] model;
    static EvaluationReport expected;

    @BeforeAll
    static void attackDirectly() throws Exception {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = in.readAllBytes();
        }
        PgdOptions attack = PgdOptions.platformDefault(EPS).withSteps(20).withRestarts(1);
        expected = new Evaluator(EvaluationSettings.sound(attack, List.of())).evaluate(RealMnist.naturalModel(),
                RealMnist.test(N));
    }

    static CheckpointRef write(byte[] bytes) throws Exception {
        StoreLayout store = new StoreLayout(Path.of(ConfigProvider.getConfig().getValue("robustcert.store.root", String.class)));
        Sha256 sha = Sha256.of(bytes);
        Files.createDirectories(store.pathOf(sha).getParent());
        Files.write(store.pathOf(sha), bytes);
        return CheckpointRef.newBuilder().setCheckpointId("ckpt-" + UUID.randomUUID()).setUri(store.uriOf(sha).toString())
                .setSha256(sha.hex()).setSizeBytes(bytes.length).build();
    }

    static void announce(CheckpointRef ref) throws Exception {
        CheckpointCreated event = CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("test"))
                .setCheckpoint(ref).setTrainingEpsilon(EPS)
                .setPlan(EvaluationPlan.newBuilder().setAttack(SPEC)
                        .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setCount(N))).build();
        TopicProbe.send(Topics.CHECKPOINTS, ref.getCheckpointId(), event.toByteArray());
    }

    @Test
    void aCheckpointAnnouncedTwiceIsAttackedOnceWithCoresVerdicts() throws Exception {
        CheckpointRef ref = write(model);
        announce(ref);
        announce(ref);
        AttackCompleted a = TopicProbe.await(Topics.ATTACK_RESULTS, ref.getCheckpointId(), AttackCompleted::parseFrom,
                l -> !l.isEmpty(), WAIT).get(0);
        assertFalse(a.hasFailure(), a.getFailure().toString());
        assertEquals(EPS, a.getEpsilon());
        assertEquals(SPEC, a.getAttack());
        assertEquals("test", a.getDataset().getSplit());
        assertEquals(N, a.getBrokenCount());
        long broken = 0;
        for (int i = 0; i < N; i++) {
            assertEquals(expected.samples().get(i).cleanCorrect(), a.getCorrect(i), "correct " + i);
            assertEquals(expected.samples().get(i).broken(), a.getBroken(i), "broken " + i);
            broken += a.getBroken(i) ? 1 : 0;
        }
        assertTrue(broken > 0 && broken < N, "the test needs both broken and robust samples: " + broken);
        // a later checkpoint's result arrives after both announcements of this one were processed (one partition)
        CheckpointRef later = write(model).toBuilder().setCheckpointId("ckpt-" + UUID.randomUUID()).build();
        announce(later);
        TopicProbe.await(Topics.ATTACK_RESULTS, later.getCheckpointId(), AttackCompleted::parseFrom, l -> !l.isEmpty(), WAIT);
        assertEquals(1, TopicProbe.await(Topics.ATTACK_RESULTS, ref.getCheckpointId(), AttackCompleted::parseFrom,
                l -> !l.isEmpty(), WAIT).size());
    }

    @Test
    void aCheckpointOutsideTheStoreFailsWithTheReason() throws Exception {
        CheckpointRef outside = write(model).toBuilder().setCheckpointId("ckpt-" + UUID.randomUUID())
                .setUri("file:///etc/passwd").build();
        announce(outside);
        AttackCompleted a = TopicProbe.await(Topics.ATTACK_RESULTS, outside.getCheckpointId(), AttackCompleted::parseFrom,
                l -> !l.isEmpty(), WAIT).get(0);
        assertEquals("CHECKPOINT_UNSAFE_URI", a.getFailure().getReason());
        assertEquals(1, TopicProbe.await(Topics.CHECKPOINTS + ".dlq", outside.getCheckpointId(), b -> b,
                l -> !l.isEmpty(), WAIT).size());
    }
}
