package io.robustcert.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
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
import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.AttackCheckpointRequest;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.AttackServiceGrpc;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EventMeta;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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

    @TestHTTPResource("/")
    URL url;
    static EvaluationReport expected;

    static TopicProbe probe() {
        return new TopicProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @BeforeAll
    static void attackDirectly() throws Exception {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = in.readAllBytes();
        }
        PgdOptions attack = PgdOptions.platformDefault(EPS).withSteps(20).withRestarts(1);
        expected = new Evaluator(EvaluationSettings.sound(attack, List.of())).evaluate(RealMnist.naturalModel(),
                RealMnist.test(N));
    }

    static StoreLayout store() {
        return new StoreLayout(Path.of(ConfigProvider.getConfig().getValue("robustcert.store.root", String.class)));
    }

    static CheckpointRef write(byte[] bytes) throws Exception {
        StoreLayout store = store();
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
        probe().send(Topics.CHECKPOINTS, ref.getCheckpointId(), event.toByteArray());
    }

    @Test
    void aCheckpointAnnouncedTwiceIsAttackedOnceWithCoresVerdicts() throws Exception {
        CheckpointRef ref = write(model);
        announce(ref);
        announce(ref);
        AttackCompleted a = probe().await(Topics.ATTACK_RESULTS, ref.getCheckpointId(), AttackCompleted::parseFrom,
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
        probe().await(Topics.ATTACK_RESULTS, later.getCheckpointId(), AttackCompleted::parseFrom, l -> !l.isEmpty(), WAIT);
        assertEquals(1, probe().await(Topics.ATTACK_RESULTS, ref.getCheckpointId(), AttackCompleted::parseFrom,
                l -> !l.isEmpty(), WAIT).size());
    }

    @Test
    void aCheckpointOutsideTheStoreFailsWithTheReason() throws Exception {
        CheckpointRef outside = write(model).toBuilder().setCheckpointId("ckpt-" + UUID.randomUUID())
                .setUri("file:///etc/passwd").build();
        announce(outside);
        AttackCompleted a = probe().await(Topics.ATTACK_RESULTS, outside.getCheckpointId(), AttackCompleted::parseFrom,
                l -> !l.isEmpty(), WAIT).get(0);
        assertEquals("CHECKPOINT_UNSAFE_URI", a.getFailure().getReason());
        assertEquals(1, probe().await(Topics.CHECKPOINTS + ".dlq", outside.getCheckpointId(), b -> b,
                l -> !l.isEmpty(), WAIT).size());
    }

    @Test
    void attackCheckpointAttacksAStoredCheckpointOnRequestAndRefusesBadOnes() throws Exception {
        CheckpointRef ref = write(model);
        EvaluationPlan plan = EvaluationPlan.newBuilder().setAttack(SPEC).addEpsilons(EPS)
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setCount(N)).build();
        ManagedChannel channel = ManagedChannelBuilder.forAddress("127.0.0.1", url.getPort()).usePlaintext().build();
        try {
            var stub = AttackServiceGrpc.newBlockingStub(channel);
            Operation op = stub.attackCheckpoint(AttackCheckpointRequest.newBuilder().setCheckpoint(ref).setPlan(plan).build());
            assertTrue(op.getDone());
            AttackCompleted a = op.getResponse().unpack(AttackCompleted.class);
            for (int i = 0; i < N; i++) {
                assertEquals(expected.samples().get(i).broken(), a.getBroken(i), "broken " + i);
            }
            assertEquals(a, probe().await(Topics.ATTACK_RESULTS, ref.getCheckpointId(), AttackCompleted::parseFrom,
                    l -> !l.isEmpty(), WAIT).get(0));
            Sha256 absent = Sha256.of(new byte[] {4, 5, 6});
            StatusRuntimeException missing = assertThrows(StatusRuntimeException.class, () -> stub.attackCheckpoint(
                    AttackCheckpointRequest.newBuilder().setPlan(plan).setCheckpoint(ref.toBuilder().setSha256(absent.hex())
                            .setUri(store().uriOf(absent).toString()).setSizeBytes(3)).build()));
            assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode(), missing.toString());
            StatusRuntimeException twoEpsilons = assertThrows(StatusRuntimeException.class, () -> stub.attackCheckpoint(
                    AttackCheckpointRequest.newBuilder().setCheckpoint(ref).setPlan(plan.toBuilder().addEpsilons(0.1)).build()));
            assertEquals(Status.Code.INVALID_ARGUMENT, twoEpsilons.getStatus().getCode());
        } finally {
            channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
