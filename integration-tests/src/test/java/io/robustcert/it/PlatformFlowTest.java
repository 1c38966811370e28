package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.longrunning.Operation;
import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.robustcert.cli.Main;
import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyRequest;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.GetReportRequest;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.Input;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.Perturbation;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainerServiceGrpc;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The platform end to end, each part its own process: a training run's checkpoints are announced on Kafka,
 * certified and attacked by the other two services on their own, and reported; the report is what the command
 * line computes for the same checkpoint; a duplicated event changes nothing; {@code certify --remote} prints
 * what the local run prints; bad requests are refused with their field and the services keep answering.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class PlatformFlowTest {

    static final String CHECKPOINTS = "robustcert.checkpoints.v1";
    static final String CERTIFICATES = "robustcert.certificates.v1";
    static final String ATTACK_RESULTS = "robustcert.attack-results.v1";
    static final int EVAL_IMAGES = 200;
    static final double EPS = 0.02;
    /** Small enough that a test can exceed it cheaply. */
    static final int MAX_MESSAGE_BYTES = 1 << 20;

    static Platform platform;
    static String trainingId;
    static CheckpointSummary last;
    static EvaluationReport report;

    @BeforeAll
    static void startPlatformAndTrain() throws Exception {
        platform = Platform.start("flow", List.of("certifier-service", "attack-service", "trainer-service"),
                Map.of("ROBUSTCERT_CERTIFIER_MAX_MESSAGE_BYTES", Integer.toString(MAX_MESSAGE_BYTES)));
        TrainerServiceGrpc.TrainerServiceBlockingStub trainer = TrainerServiceGrpc.newBlockingStub(platform.channel("trainer-service"));
        EvaluationPlan plan = EvaluationPlan.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(EVAL_IMAGES))
                .addEpsilons(EPS).addMethods(BoundMethod.BOUND_METHOD_IBP).addMethods(BoundMethod.BOUND_METHOD_CROWN_IBP)
                .setMode(ComputeMode.COMPUTE_MODE_SOUND)
                .setAttack(AttackSpec.newBuilder().setPreset(AttackSpec.Preset.PRESET_SPEC_EVALUATION)).build();
        TrainingSpec spec = TrainingSpec.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("train").setCount(2048))
                .setMethod(TrainingMethod.TRAINING_METHOD_IBP).setEpsilon(EPS).setEpochs(2).setBatchSize(64)
                .setLearningRate(5e-4).setSeed(7).setWarmupEpochs(1).setRampEpochs(1).setCheckpointEveryEpochs(1)
                .setEvaluationPlan(plan).build();
        Operation op = trainer.withDeadlineAfter(60, TimeUnit.SECONDS).startTraining(StartTrainingRequest.newBuilder()
                .setRequestId(UUID.randomUUID().toString()).setSpec(spec).build());
        trainingId = op.getName();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (!op.getDone()) {
            assertTrue(System.nanoTime() < deadline, "training " + trainingId + " did not finish in 8 minutes");
            ServiceProcess.sleep(500);
            op = trainer.getTraining(GetTrainingRequest.newBuilder().setTrainingId(trainingId).build());
        }
        Operation finished = op;
        assertFalse(finished.hasError(), () -> "training failed: " + finished.getError());
        List<CheckpointSummary> checkpoints = trainer.listCheckpoints(ListCheckpointsRequest.newBuilder()
                .setTrainingId(trainingId).build()).getCheckpointsList();
        assertEquals(2, checkpoints.size(), checkpoints.toString());
        last = checkpoints.stream().max((a, b) -> Integer.compare(a.getEpoch(), b.getEpoch())).orElseThrow();
        report = awaitCompleteReport(last.getCheckpoint().getCheckpointId(), Duration.ofMinutes(5));
    }

    @AfterAll
    static void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    static EvaluationReport awaitCompleteReport(String checkpointId, Duration timeout) {
        CertifierServiceGrpc.CertifierServiceBlockingStub certifier =
                CertifierServiceGrpc.newBlockingStub(platform.channel("certifier-service"));
        long deadline = System.nanoTime() + timeout.toNanos();
        EvaluationReport r = null;
        while (System.nanoTime() < deadline) {
            try {
                r = certifier.getReport(GetReportRequest.newBuilder().setCheckpointId(checkpointId).build());
                if (r.getComplete()) {
                    return r;
                }
            } catch (StatusRuntimeException e) {
                assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
            }
            ServiceProcess.sleep(500);
        }
        throw new AssertionError("no complete report for " + checkpointId + " within " + timeout + "; last: " + r);
    }

    record CliRun(int code, String out, String err) {
    }

    static CliRun cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
        return new CliRun(code, out.toString(), err.toString());
    }

    static Path checkpointFile() {
        URI uri = URI.create(last.getCheckpoint().getUri());
        Path file = Path.of(uri);
        assertTrue(file.startsWith(platform.store), file + " is in the store");
        return file;
    }

    static String[] certifyArgs(String... extra) {
        List<String> a = new ArrayList<>(List.of("certify", "--model", checkpointFile().toString(), "--data",
                "mnist:test:" + EVAL_IMAGES, "--data-dir", io.robustcert.core.testing.RealMnist.dataDir().toString(),
                "--eps", Double.toString(EPS), "--method", "ibp,crown-ibp", "--attack", "spec"));
        a.addAll(List.of(extra));
        return a.toArray(String[]::new);
    }

    @Test
    @Order(1)
    void theReportOfACheckpointIsWhatTheCommandLineComputesForIt() throws Exception {
        assertEquals(trainingId, report.getTrainingId());
        assertEquals(0, report.getSoundnessAlarms());
        assertEquals(0, report.getFailedShardsCount(), report.toString());
        Path out = platform.dir.resolve("cli-report");
        CliRun local = cli(certifyArgs("--min-verified-accuracy", "0", "--out", out.toString()));
        assertEquals(0, local.code(), local.toString());
        JsonNode table = new ObjectMapper().readTree(out.resolve("report.json").toFile()).get("report").get("table");
        assertEquals(EVAL_IMAGES, table.get("samples").asInt());
        List<ErrorRates> rates = report.getRatesList();
        assertEquals(3, rates.size(), rates.toString());
        for (ErrorRates r : rates) {
            assertEquals(EVAL_IMAGES, r.getSamples());
            assertEquals(EPS, r.getEpsilon());
            assertEquals(table.get("standardError").asDouble(), r.getStandardError(), 1e-9, "standard error");
            assertEquals(table.get("pgdError").asDouble(), r.getPgdError(), 1e-9, "PGD error");
            double expected = switch (r.getMethod()) {
                case BOUND_METHOD_IBP -> table.get("verifiedByMethod").get("ibp").asDouble();
                case BOUND_METHOD_CROWN_IBP -> table.get("verifiedByMethod").get("crown-ibp").asDouble();
                default -> table.get("verifiedError").asDouble();
            };
            assertEquals(expected, r.getVerifiedError(), 1e-9, r.getMethod() + " verified error");
        }
    }

    @Test
    @Order(2)
    void aDuplicatedCheckpointEventYieldsNoSecondResultAndTheSameReport() throws Exception {
        String id = last.getCheckpoint().getCheckpointId();
        TopicProbe probe = new TopicProbe(platform.broker.bootstrapServers());
        List<byte[]> events = probe.await(CHECKPOINTS, id, b -> b, l -> !l.isEmpty(), Duration.ofSeconds(30));
        assertEquals(id, CheckpointCreated.parseFrom(events.get(0)).getCheckpoint().getCheckpointId());
        int certificates = probe.await(CERTIFICATES, id, b -> b, l -> l.size() >= 2, Duration.ofSeconds(30)).size();
        int attacks = probe.await(ATTACK_RESULTS, id, b -> b, l -> !l.isEmpty(), Duration.ofSeconds(30)).size();

        probe.send(CHECKPOINTS, id, events.get(0));
        // Both consumers have read past the duplicate once their committed offsets reach the topic's end.
        awaitConsumed(List.of("robustcert-certifier", "robustcert-attack"), Duration.ofMinutes(3));

        assertEquals(certificates, probe.await(CERTIFICATES, id, b -> b, l -> l.size() >= certificates,
                Duration.ofSeconds(10)).size(), "certificates of " + id);
        assertEquals(attacks, probe.await(ATTACK_RESULTS, id, b -> b, l -> l.size() >= attacks,
                Duration.ofSeconds(10)).size(), "attack results of " + id);
        EvaluationReport again = awaitCompleteReport(id, Duration.ofSeconds(30));
        assertEquals(report.getRatesList(), again.getRatesList());
        assertEquals(report.getShardsComplete(), again.getShardsComplete());
    }

    static void awaitConsumed(List<String> groups, Duration timeout) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.broker.bootstrapServers()))) {
            List<TopicPartition> partitions = admin.describeTopics(List.of(CHECKPOINTS)).allTopicNames().get()
                    .get(CHECKPOINTS).partitions().stream().map(p -> new TopicPartition(CHECKPOINTS, p.partition())).toList();
            Map<TopicPartition, Long> ends = new java.util.HashMap<>();
            admin.listOffsets(partitions.stream().collect(java.util.stream.Collectors.toMap(p -> p, p -> OffsetSpec.latest())))
                    .all().get().forEach((p, info) -> ends.put(p, info.offset()));
            long deadline = System.nanoTime() + timeout.toNanos();
            for (String group : groups) {
                while (true) {
                    Map<TopicPartition, OffsetAndMetadata> committed =
                            admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
                    boolean done = ends.entrySet().stream().allMatch(e -> e.getValue() == 0
                            || (committed.get(e.getKey()) != null && committed.get(e.getKey()).offset() >= e.getValue()));
                    if (done) {
                        break;
                    }
                    assertTrue(System.nanoTime() < deadline, group + " did not consume " + CHECKPOINTS + " to " + ends
                            + " within " + timeout + "; committed " + committed);
                    ServiceProcess.sleep(250);
                }
            }
        }
    }

    @Test
    @Order(3)
    void certifyRemotePrintsWhatTheLocalRunPrintsWithTheSameExitCode() {
        String remote = platform.service("certifier-service").target();
        for (String min : List.of("0", "1")) {
            CliRun local = cli(certifyArgs("--min-verified-accuracy", min));
            CliRun viaService = cli(certifyArgs("--min-verified-accuracy", min, "--remote", remote));
            assertEquals(local.out(), viaService.out(), "stdout, min verified accuracy " + min);
            assertEquals(local.code(), viaService.code(), viaService.err());
        }
        assertEquals(0, cli(certifyArgs("--min-verified-accuracy", "0", "--remote", remote)).code());
        assertEquals(Main.EXIT_FAIL, cli(certifyArgs("--min-verified-accuracy", "1", "--remote", remote)).code());
        CliRun refused = cli(certifyArgs("--min-verified-accuracy", "0", "--remote", remote, "--method", "crown-ibp-ours"));
        assertEquals(Main.EXIT_USAGE, refused.code(), refused.toString());
        CliRun nobody = cli(certifyArgs("--min-verified-accuracy", "0", "--remote", "127.0.0.1:" + ServiceProcess.freePort()));
        assertEquals(Main.EXIT_UNAVAILABLE, nobody.code(), nobody.toString());
        assertTrue(nobody.err().contains("cannot reach the certifier"), nobody.err());
    }

    @Test
    @Order(4)
    void badRequestsAreRefusedWithTheirFieldAndTheServicesKeepAnswering() throws Exception {
        CertifierServiceGrpc.CertifierServiceBlockingStub certifier =
                CertifierServiceGrpc.newBlockingStub(platform.channel("certifier-service")).withDeadlineAfter(60, TimeUnit.SECONDS);
        byte[] model = Files.readAllBytes(checkpointFile());
        CertifyRequest negative = CertifyRequest.newBuilder().setModel(ByteString.copyFrom(model))
                .addInputs(Input.newBuilder().addAllValues(java.util.Collections.nCopies(784, 0.5)))
                .addLabels(3).setPerturbation(Perturbation.newBuilder().setEpsilon(-0.1)).build();
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> certifier.certify(negative));
        assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
        BadRequest details = null;
        for (var d : StatusProto.fromThrowable(e).getDetailsList()) {
            if (d.is(BadRequest.class)) {
                details = d.unpack(BadRequest.class);
            }
        }
        assertNotNull(details, "BadRequest details");
        assertTrue(details.getFieldViolationsList().stream().anyMatch(v -> v.getField().equals("perturbation.epsilon")),
                details.toString());

        CertifyRequest huge = negative.toBuilder().setPerturbation(Perturbation.newBuilder().setEpsilon(0.1))
                .setArchitectureJson("x".repeat(MAX_MESSAGE_BYTES + 1)).build();
        StatusRuntimeException tooBig = assertThrows(StatusRuntimeException.class, () -> certifier.certify(huge));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooBig.getStatus().getCode(), tooBig.toString());

        CertifyRequest fine = negative.toBuilder().setPerturbation(Perturbation.newBuilder().setEpsilon(0.01)).build();
        assertEquals(1, certifier.certify(fine).getResults(0).getSamplesCount(), "the certifier still answers");
        for (String s : List.of("certifier-service", "attack-service", "trainer-service")) {
            assertTrue(platform.service(s).ready(), s + " is ready after the bad requests");
        }
    }
}
