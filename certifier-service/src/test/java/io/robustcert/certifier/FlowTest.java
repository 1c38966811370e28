package io.robustcert.certifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.certifier.flow.Topics;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.SampleVerdict;
import io.robustcert.core.model.Network;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertificationCompleted;
import com.google.longrunning.Operation;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyCheckpointRequest;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EventMeta;
import io.robustcert.v1.GetReportRequest;
import io.robustcert.v1.ShardRef;
import io.robustcert.v1.SoundnessAlarm;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The certifier in the flow, on a real broker: a checkpoint written to a temporary store and announced by
 * CheckpointCreated gives CertificationCompleted and, joined with an attack's results, an EvaluationReport
 * whose figures equal core's Evaluator on the same checkpoint and samples.
 */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
@QuarkusTestResource(StoreTestResource.class)
class FlowTest {

    static final int N = 60;
    static final double EPS = 0.01;
    static final Duration WAIT = Duration.ofSeconds(90);
    static final DatasetSlice SLICE = DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(N).build();

    static byte[] model;
    static Network network;
    static Dataset data;
    /** The whole evaluation by core, and the attack alone (what attack-service publishes). */
    static EvaluationReport expected;
    static EvaluationReport attackOnly;

    @TestHTTPResource("/")
    URL url;

    ManagedChannel channel;

    static TopicProbe probe() {
        return new TopicProbe(ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
    }

    @BeforeAll
    static void evaluateDirectly() throws Exception {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = in.readAllBytes();
        }
        network = RealMnist.naturalModel();
        data = RealMnist.test(N);
        PgdOptions attack = PgdOptions.platformDefault(EPS).withSteps(20).withRestarts(1);
        expected = new Evaluator(EvaluationSettings.sound(attack, List.of(new Ibp(), new CrownIbp()))).evaluate(network, data);
        attackOnly = new Evaluator(EvaluationSettings.sound(attack, List.of())).evaluate(network, data);
    }

    @BeforeEach
    void connect() {
        channel = CertifierClient.channel(url.getPort());
    }

    @AfterEach
    void disconnect() throws InterruptedException {
        CertifierClient.close(channel);
    }

    static StoreLayout store() {
        return new StoreLayout(Path.of(ConfigProvider.getConfig().getValue("robustcert.store.root", String.class)));
    }

    /** Writes the bytes into the store under their digest; the reference an event carries. */
    static CheckpointRef write(byte[] bytes) throws Exception {
        Sha256 sha = Sha256.of(bytes);
        Path path = store().pathOf(sha);
        Files.createDirectories(path.getParent());
        Files.write(path, bytes);
        return CheckpointRef.newBuilder().setCheckpointId("ckpt-" + UUID.randomUUID()).setUri(store().uriOf(sha).toString())
                .setSha256(sha.hex()).setSizeBytes(bytes.length).build();
    }

    static CheckpointCreated announce(CheckpointRef ref) throws Exception {
        CheckpointCreated event = CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("test"))
                .setCheckpoint(ref).setTrainingId("run-" + ref.getCheckpointId()).setEpoch(3).setTrainingEpsilon(EPS)
                .setPlan(EvaluationPlan.newBuilder().setDataset(SLICE)).build();
        probe().send(Topics.CHECKPOINTS, ref.getCheckpointId(), event.toByteArray());
        return event;
    }

    /** What attack-service publishes for the slice, from core's attack-only evaluation (or every sample broken). */
    static void sendAttack(String id, boolean allBroken) throws Exception {
        AttackCompleted.Builder a = AttackCompleted.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("test"))
                .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardCount(1).setCount(N))
                .setDataset(SLICE).setEpsilon(EPS);
        for (SampleVerdict v : attackOnly.samples()) {
            a.addCorrect(v.cleanCorrect()).addBroken(allBroken || v.broken());
        }
        probe().send(Topics.ATTACK_RESULTS, id, a.build().toByteArray());
    }

    static List<CertificationCompleted> certificates(String id, int count) throws Exception {
        return probe().await(Topics.CERTIFICATES, id, CertificationCompleted::parseFrom, l -> l.size() >= count, WAIT);
    }

    static io.robustcert.v1.EvaluationReport completeReport(String id) throws Exception {
        List<io.robustcert.v1.EvaluationReport> reports = probe().await(Topics.REPORTS, id,
                io.robustcert.v1.EvaluationReport::parseFrom, l -> !l.isEmpty() && l.get(l.size() - 1).getComplete(), WAIT);
        return reports.get(reports.size() - 1);
    }

    @Test
    void aCheckpointGivesCertificatesAndAReportEqualToCoresEvaluationOnceEvenWhenAnnouncedTwice() throws Exception {
        CheckpointRef ref = write(model);
        String id = ref.getCheckpointId();
        announce(ref);
        announce(ref);

        List<CertificationCompleted> certs = certificates(id, 2);
        for (CertificationCompleted c : certs) {
            assertFalse(c.hasFailure(), c.getFailure().toString());
            String label = c.getMethod() == BoundMethod.BOUND_METHOD_IBP ? "ibp" : "crown-ibp";
            assertEquals(EPS, c.getEpsilon());
            assertEquals(io.robustcert.v1.ComputeMode.COMPUTE_MODE_SOUND, c.getMode());
            assertEquals(N, c.getVerifiedCount());
            for (int i = 0; i < N; i++) {
                SampleVerdict v = expected.samples().get(i);
                assertEquals(v.cleanCorrect(), c.getCorrect(i), "correct " + i);
                assertEquals(v.verifiedBy().get(label), c.getVerified(i), label + " " + i);
            }
        }

        sendAttack(id, false);
        io.robustcert.v1.EvaluationReport report = completeReport(id);
        ErrorTable t = expected.table();
        assertEquals(3, report.getRatesCount(), report.toString());
        for (ErrorRates r : report.getRatesList()) {
            assertEquals(N, r.getSamples());
            assertEquals(t.standardError(), r.getStandardError());
            assertEquals(t.pgdError(), r.getPgdError());
            double verified = switch (r.getMethod()) {
                case BOUND_METHOD_IBP -> t.verifiedByMethod().get("ibp");
                case BOUND_METHOD_CROWN_IBP -> t.verifiedByMethod().get("crown-ibp");
                default -> t.verifiedError();
            };
            assertEquals(verified, r.getVerifiedError(), r.toString());
        }
        assertEquals(0, report.getSoundnessAlarms());
        assertEquals(ref, report.getCheckpoint());
        assertEquals(3, report.getEpoch());

        var stub = CertifierServiceGrpc.newBlockingStub(channel);
        assertEquals(report, stub.getReport(GetReportRequest.newBuilder().setCheckpointId(id).build()));

        // Both announcements consumed (committed), and still one certificate per method.
        awaitCommitted(Topics.CHECKPOINTS);
        assertEquals(2, certificates(id, 2).size());
    }

    @Test
    void aCertifiedSampleThatTheAttackBrokeRaisesAnAlarmAndAMetric() throws Exception {
        CheckpointRef ref = write(model);
        String id = ref.getCheckpointId();
        announce(ref);
        certificates(id, 2);
        sendAttack(id, true);
        SoundnessAlarm alarm = probe().await(Topics.ALARMS, id, SoundnessAlarm::parseFrom,
                l -> l.stream().anyMatch(a -> a.getMethod() == BoundMethod.BOUND_METHOD_CROWN_IBP), WAIT).stream()
                .filter(a -> a.getMethod() == BoundMethod.BOUND_METHOD_CROWN_IBP).findFirst().orElseThrow();
        List<Integer> verified = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            if (expected.samples().get(i).verifiedBy().get("crown-ibp")) {
                verified.add(i);
            }
        }
        assertFalse(verified.isEmpty(), "the test needs samples CROWN-IBP verifies");
        assertEquals(verified, alarm.getSampleIndicesList());
        assertTrue(completeReport(id).getSoundnessAlarms() >= verified.size());
        String metrics = CertifierClient.httpGet(url.getPort(), "/q/metrics");
        assertTrue(metrics.contains("robustcert_certifier_soundness_alarms_total{method=\"BOUND_METHOD_CROWN_IBP\"}"), metrics);
        assertTrue(metrics.contains("kafka_consumer_fetch_manager_records_lag_max"), "consumer lag is exported");
    }

    @Test
    void aCheckpointWhoseHashDiffersOrWhoseUriLeavesTheStoreFailsWithTheReasonAndGoesToTheDeadLetters() throws Exception {
        CheckpointRef good = write(model);
        CheckpointRef outside = good.toBuilder().setCheckpointId("ckpt-" + UUID.randomUUID())
                .setUri(Path.of("/etc/passwd").toUri().toString()).build();
        // The file at the announced digest's place holds other bytes (the model, not the tampered copy).
        byte[] tampered = model.clone();
        tampered[tampered.length - 1] ^= 1;
        Sha256 announced = Sha256.of(tampered);
        Files.createDirectories(store().pathOf(announced).getParent());
        Files.write(store().pathOf(announced), model);
        CheckpointRef wrongHash = good.toBuilder().setCheckpointId("ckpt-" + UUID.randomUUID())
                .setSha256(announced.hex()).setUri(store().uriOf(announced).toString()).build();

        announce(outside);
        announce(wrongHash);
        assertEquals("CHECKPOINT_UNSAFE_URI", certificates(outside.getCheckpointId(), 1).get(0).getFailure().getReason());
        assertEquals("CHECKPOINT_HASH_MISMATCH", certificates(wrongHash.getCheckpointId(), 1).get(0).getFailure().getReason());
        List<io.robustcert.v1.EvaluationReport> reports = probe().await(Topics.REPORTS, wrongHash.getCheckpointId(),
                io.robustcert.v1.EvaluationReport::parseFrom, l -> !l.isEmpty() && l.get(l.size() - 1).getFailedShardsCount() > 0, WAIT);
        io.robustcert.v1.EvaluationReport last = reports.get(reports.size() - 1);
        assertFalse(last.getComplete());
        assertEquals("certification", last.getFailedShards(0).getStage());
        assertEquals("CHECKPOINT_HASH_MISMATCH", last.getFailedShards(0).getFailure().getReason());
        assertEquals(1, probe().await(Topics.deadLetters(Topics.CHECKPOINTS), outside.getCheckpointId(), b -> b,
                l -> !l.isEmpty(), WAIT).size());
    }

    /**
     * A plan with shard_size: the checkpoint becomes shard work items, each certified on its own, and the
     * report over the shards' results (the attack arriving shard by shard too) equals core's whole evaluation.
     */
    @Test
    void aShardedCheckpointGivesOneCertificatePerShardAndTheWholeReport() throws Exception {
        CheckpointRef ref = write(model);
        String id = ref.getCheckpointId();
        int size = 25;
        probe().send(Topics.CHECKPOINTS, id, CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("test"))
                .setCheckpoint(ref).setTrainingId("run-" + id).setEpoch(1).setTrainingEpsilon(EPS)
                .setPlan(EvaluationPlan.newBuilder().setDataset(SLICE).setShardSize(size)).build().toByteArray());
        for (int shard = 0; shard < 3; shard++) {
            io.robustcert.v1.EvaluationShardRequested item = probe().await(Topics.CERTIFICATION_SHARDS, id + "/" + shard,
                    io.robustcert.v1.EvaluationShardRequested::parseFrom, l -> !l.isEmpty(), WAIT).get(0);
            assertEquals(shard, item.getShard().getShardIndex(), "work item keyed checkpoint/shard");
            assertEquals(List.of(EPS), item.getPlan().getEpsilonsList(), "the plan travels with its defaults filled in");
            assertEquals(2, item.getPlan().getMethodsCount());
        }

        List<CertificationCompleted> certs = certificates(id, 6);
        assertEquals(6, certs.size(), "two methods × three shards, once each");
        for (CertificationCompleted c : certs) {
            String label = c.getMethod() == BoundMethod.BOUND_METHOD_IBP ? "ibp" : "crown-ibp";
            ShardRef s = c.getShard();
            assertEquals(3, s.getShardCount());
            assertEquals(s.getShardIndex() * size, s.getStartIndex());
            assertEquals(Math.min(size, N - s.getStartIndex()), c.getVerifiedCount());
            for (int i = 0; i < c.getVerifiedCount(); i++) {
                assertEquals(expected.samples().get(s.getStartIndex() + i).verifiedBy().get(label), c.getVerified(i),
                        label + " sample " + (s.getStartIndex() + i));
            }
        }
        for (int shard = 0; shard < 3; shard++) {
            int start = shard * size;
            int count = Math.min(size, N - start);
            AttackCompleted.Builder a = AttackCompleted.newBuilder()
                    .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("test"))
                    .setShard(ShardRef.newBuilder().setCheckpointId(id).setShardIndex(shard).setShardCount(3)
                            .setStartIndex(start).setCount(count))
                    .setDataset(SLICE).setEpsilon(EPS);
            for (SampleVerdict v : attackOnly.samples().subList(start, start + count)) {
                a.addCorrect(v.cleanCorrect()).addBroken(v.broken());
            }
            probe().send(Topics.ATTACK_RESULTS, id, a.build().toByteArray());
        }
        io.robustcert.v1.EvaluationReport report = completeReport(id);
        assertEquals(3, report.getShardsTotal());
        assertEquals(3, report.getShardsComplete());
        ErrorTable t = expected.table();
        for (ErrorRates r : report.getRatesList()) {
            assertEquals(N, r.getSamples());
            assertEquals(t.standardError(), r.getStandardError());
            assertEquals(t.pgdError(), r.getPgdError());
        }
    }

    @Test
    void getReportOfAnUnknownCheckpointIsNotFoundAndWithoutIdInvalid() throws Exception {
        var stub = CertifierServiceGrpc.newBlockingStub(channel);
        StatusRuntimeException missing = assertThrows(StatusRuntimeException.class,
                () -> stub.getReport(GetReportRequest.newBuilder().setCheckpointId("no-such-checkpoint").build()));
        assertEquals(Status.Code.NOT_FOUND, missing.getStatus().getCode());
        assertEquals("REPORT_NOT_FOUND", CertifierClient.errorInfo(missing).getReason());
        StatusRuntimeException empty = assertThrows(StatusRuntimeException.class,
                () -> stub.getReport(GetReportRequest.getDefaultInstance()));
        assertEquals(Status.Code.INVALID_ARGUMENT, empty.getStatus().getCode());
        assertEquals(List.of("checkpoint_id"), CertifierClient.violatedFields(empty));
    }

    @Test
    void certifyCheckpointCertifiesAStoredCheckpointOnRequest() throws Exception {
        CheckpointRef ref = write(model);
        var stub = CertifierServiceGrpc.newBlockingStub(channel);
        Operation op = stub.certifyCheckpoint(CertifyCheckpointRequest.newBuilder().setCheckpoint(ref)
                .setPlan(EvaluationPlan.newBuilder().setDataset(SLICE).addEpsilons(EPS)).build());
        assertTrue(op.getDone());
        io.robustcert.v1.EvaluationReport report = op.getResponse().unpack(io.robustcert.v1.EvaluationReport.class);
        assertEquals(ref, report.getCheckpoint());
        assertFalse(report.getComplete(), "the attack is not in yet");
        for (CertificationCompleted c : certificates(ref.getCheckpointId(), 2)) {
            String label = c.getMethod() == BoundMethod.BOUND_METHOD_IBP ? "ibp" : "crown-ibp";
            for (int i = 0; i < N; i++) {
                assertEquals(expected.samples().get(i).verifiedBy().get(label), c.getVerified(i), label + " " + i);
            }
        }
    }

    @Test
    void certifyCheckpointRefusesAMissingCheckpointAnUnsafeUriAndAPlanWithoutEpsilon() throws Exception {
        var stub = CertifierServiceGrpc.newBlockingStub(channel);
        CheckpointRef ref = write(model);
        Sha256 absent = Sha256.of(new byte[] {1, 2, 3});
        CheckpointRef missing = ref.toBuilder().setSha256(absent.hex()).setUri(store().uriOf(absent).toString())
                .setSizeBytes(3).build();
        EvaluationPlan plan = EvaluationPlan.newBuilder().setDataset(SLICE).addEpsilons(EPS).build();
        StatusRuntimeException notFound = assertThrows(StatusRuntimeException.class, () -> stub.certifyCheckpoint(
                CertifyCheckpointRequest.newBuilder().setCheckpoint(missing).setPlan(plan).build()));
        assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
        StatusRuntimeException unsafe = assertThrows(StatusRuntimeException.class, () -> stub.certifyCheckpoint(
                CertifyCheckpointRequest.newBuilder().setCheckpoint(ref.toBuilder().setUri("file:///etc/passwd"))
                        .setPlan(plan).build()));
        assertEquals(Status.Code.INVALID_ARGUMENT, unsafe.getStatus().getCode());
        assertEquals(List.of("checkpoint.uri"), CertifierClient.violatedFields(unsafe));
        StatusRuntimeException noEpsilon = assertThrows(StatusRuntimeException.class, () -> stub.certifyCheckpoint(
                CertifyCheckpointRequest.newBuilder().setCheckpoint(ref).build()));
        assertEquals(List.of("plan.epsilons"), CertifierClient.violatedFields(noEpsilon));
    }

    /** Waits until the certifier's group has committed every record of the topic. */
    static void awaitCommitted(String topic) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", probe().bootstrap()))) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                var ends = admin.listOffsets(Map.of(new org.apache.kafka.common.TopicPartition(topic, 0),
                        org.apache.kafka.clients.admin.OffsetSpec.latest())).all().get();
                Map<org.apache.kafka.common.TopicPartition, OffsetAndMetadata> committed = admin
                        .listConsumerGroupOffsets("robustcert-certifier").partitionsToOffsetAndMetadata().get();
                boolean caughtUp = ends.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                        && committed.get(e.getKey()).offset() >= e.getValue().offset());
                if (caughtUp) {
                    return;
                }
                Thread.sleep(100);
            }
            throw new AssertionError("the certifier did not commit " + topic + " within " + WAIT);
        }
    }
}
