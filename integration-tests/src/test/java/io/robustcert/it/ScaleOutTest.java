package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.testing.kafka.KafkaBrokerProcess;
import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.EventMeta;
import io.robustcert.v1.GetReportRequest;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two certifier and two attack instances, each its own process, share one checkpoint: its evaluation is cut
 * into shards, both instances of each service take shards (their own metrics say so), and the report equals
 * core's evaluation of the whole slice in one piece.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ScaleOutTest {

    static final int IMAGES = 200;
    static final int SHARD = 25;
    static final double EPS = 0.02;
    /** Partitions of each shard topic: enough for both instances of a group to get some (as k8s/ declares 12). */
    static final int PARTITIONS = 4;

    static Platform platform;

    @BeforeAll
    static void startTwoOfEach() throws Exception {
        platform = Platform.start("scale-out", List.of("certifier-service", "certifier-service#2", "attack-service",
                "attack-service#2"), Map.of(), ScaleOutTest::createTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    /** The shard topics with several partitions, as the KafkaTopic resources declare them on a cluster. */
    static void createTopics(KafkaBrokerProcess broker) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("robustcert.certification-shards.v1", PARTITIONS, (short) 1),
                    new NewTopic("robustcert.attack-shards.v1", PARTITIONS, (short) 1))).all().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("creating the shard topics", e.getCause());
        }
    }

    @Test
    void twoInstancesOfEachShareTheShardsAndTheReportEqualsTheWholeEvaluation() throws Exception {
        byte[] model;
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            model = in.readAllBytes();
        }
        StoreLayout store = new StoreLayout(platform.store);
        Sha256 sha = Sha256.of(model);
        Files.createDirectories(store.pathOf(sha).getParent());
        Files.write(store.pathOf(sha), model);
        String id = "ckpt-" + UUID.randomUUID();
        CheckpointRef ref = CheckpointRef.newBuilder().setCheckpointId(id).setUri(store.uriOf(sha).toString())
                .setSha256(sha.hex()).setSizeBytes(model.length).build();
        EvaluationPlan plan = EvaluationPlan.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(IMAGES))
                .addEpsilons(EPS).addMethods(BoundMethod.BOUND_METHOD_IBP).addMethods(BoundMethod.BOUND_METHOD_CROWN_IBP)
                .setMode(ComputeMode.COMPUTE_MODE_SOUND).setShardSize(SHARD)
                // no random start: the verdicts do not depend on how samples are batched
                .setAttack(AttackSpec.newBuilder().setPreset(AttackSpec.Preset.PRESET_SPEC_EVALUATION)).build();
        new TopicProbe(platform.broker.bootstrapServers()).send("robustcert.checkpoints.v1", id, CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("scale-out-test"))
                .setCheckpoint(ref).setTrainingId("scale-out").setEpoch(1).setTrainingEpsilon(EPS).setPlan(plan).build()
                .toByteArray());

        EvaluationReport report = awaitCompleteReport(id, Duration.ofMinutes(10));
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        assertEquals(IMAGES / SHARD, report.getShardsComplete());

        ErrorTable expected = new Evaluator(EvaluationSettings.sound(PgdOptions.specEvaluation(EPS),
                List.of(new Ibp(), new CrownIbp()))).evaluate(RealMnist.naturalModel(), RealMnist.test(IMAGES)).table();
        assertEquals(3, report.getRatesCount(), report.toString());
        for (ErrorRates r : report.getRatesList()) {
            assertEquals(IMAGES, r.getSamples());
            assertEquals(expected.standardError(), r.getStandardError(), 1e-9);
            assertEquals(expected.pgdError(), r.getPgdError(), 1e-9);
            double verified = switch (r.getMethod()) {
                case BOUND_METHOD_IBP -> expected.verifiedByMethod().get("ibp");
                case BOUND_METHOD_CROWN_IBP -> expected.verifiedByMethod().get("crown-ibp");
                default -> expected.verifiedError();
            };
            assertEquals(verified, r.getVerifiedError(), 1e-9, r.toString());
        }
        assertEquals(0, report.getSoundnessAlarms());

        double total = 0;
        for (String s : List.of("certifier-service", "certifier-service#2")) {
            double done = metric(s, "robustcert_certifier_shards_total");
            assertTrue(done > 0, s + " certified no shard");
            total += done;
        }
        assertEquals(IMAGES / SHARD, total, 0.0, "each shard certified once");
        total = 0;
        for (String s : List.of("attack-service", "attack-service#2")) {
            double done = metric(s, "robustcert_attack_shards_total");
            assertTrue(done > 0, s + " attacked no shard");
            total += done;
        }
        assertEquals(IMAGES / SHARD, total, 0.0, "each shard attacked once");
    }

    /** The report from whichever certifier instance holds the checkpoint's partition. */
    static EvaluationReport awaitCompleteReport(String id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EvaluationReport last = null;
        while (System.nanoTime() < deadline) {
            for (String s : List.of("certifier-service", "certifier-service#2")) {
                try {
                    last = CertifierServiceGrpc.newBlockingStub(platform.channel(s))
                            .getReport(GetReportRequest.newBuilder().setCheckpointId(id).build());
                    if (last.getComplete()) {
                        return last;
                    }
                } catch (StatusRuntimeException e) {
                    assertEquals(Status.Code.NOT_FOUND, e.getStatus().getCode(), e.toString());
                }
            }
            ServiceProcess.sleep(1000);
        }
        throw new AssertionError("no complete report for " + id + " within " + timeout + "; last: " + last);
    }

    /** A counter from a service's Prometheus endpoint. */
    static double metric(String service, String name) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + platform.service(service).port() + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }
}
