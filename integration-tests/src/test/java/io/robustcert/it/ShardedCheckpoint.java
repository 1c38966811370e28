package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
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
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The committed naturally trained mnist_small as a checkpoint in a platform's store, announced with a sharded
 * plan (sound IBP + CROWN-IBP, the spec's attack: no random start, so the verdicts do not depend on how the
 * samples are batched or sharded), and what its complete report must say: core's evaluation of the whole
 * slice in one piece.
 */
final class ShardedCheckpoint {

    static final double EPS = 0.02;
    /** Partitions of each shard topic: enough for two instances of a group to get some (k8s/ declares 12). */
    static final int PARTITIONS = 4;

    private ShardedCheckpoint() {
    }

    /** The shard topics with several partitions, as the KafkaTopic resources declare them on a cluster. */
    static void createShardTopics(KafkaBrokerProcess broker) {
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

    /** Writes the model into the platform's store and announces it; returns the checkpoint id. */
    static String announce(Platform platform, int images, int shardSize) throws Exception {
        CheckpointRef ref = store(platform, naturalModel());
        announce(platform, ref, images, shardSize);
        return ref.getCheckpointId();
    }

    /** The committed naturally trained mnist_small in the core's model format. */
    static byte[] naturalModel() throws java.io.IOException {
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            return in.readAllBytes();
        }
    }

    /** The reference, with a fresh id, that {@link #store} gives {@code content}; nothing is written. */
    static CheckpointRef ref(Platform platform, byte[] content) {
        StoreLayout store = new StoreLayout(platform.store);
        Sha256 sha = Sha256.of(content);
        return CheckpointRef.newBuilder().setCheckpointId("ckpt-" + UUID.randomUUID()).setUri(store.uriOf(sha).toString())
                .setSha256(sha.hex()).setSizeBytes(content.length).build();
    }

    /** Puts {@code content} into the platform's store under its digest; a reference to it with a fresh id. */
    static CheckpointRef store(Platform platform, byte[] content) throws java.io.IOException {
        Path target = new StoreLayout(platform.store).pathOf(Sha256.of(content));
        Files.createDirectories(target.getParent());
        // Whole or not at all, as the trainer writes: a service may be reading the same digest's file right now.
        Path part = Files.createTempFile(target.getParent(), "checkpoint", ".part");
        Files.write(part, content);
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return ref(platform, content);
    }

    /** Announces the checkpoint {@code ref} with the sharded plan over the first {@code images} test images. */
    static void announce(Platform platform, CheckpointRef ref, int images, int shardSize) throws Exception {
        String id = ref.getCheckpointId();
        EvaluationPlan plan = EvaluationPlan.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("test").setCount(images))
                .addEpsilons(EPS).addMethods(BoundMethod.BOUND_METHOD_IBP).addMethods(BoundMethod.BOUND_METHOD_CROWN_IBP)
                .setMode(ComputeMode.COMPUTE_MODE_SOUND).setShardSize(shardSize)
                .setAttack(AttackSpec.newBuilder().setPreset(AttackSpec.Preset.PRESET_SPEC_EVALUATION)).build();
        new TopicProbe(platform.broker.bootstrapServers()).send("robustcert.checkpoints.v1", id, CheckpointCreated.newBuilder()
                .setMeta(EventMeta.newBuilder().setEventId(UUID.randomUUID().toString()).setProducer("integration-test"))
                .setCheckpoint(ref).setTrainingId("it-" + id).setEpoch(1).setTrainingEpsilon(EPS).setPlan(plan).build()
                .toByteArray());
    }

    /** The complete report from whichever of the named certifier instances holds the checkpoint's partition. */
    static EvaluationReport awaitCompleteReport(Platform platform, List<String> certifiers, String id, Duration timeout) {
        return awaitReport(platform, certifiers, id, EvaluationReport::getComplete, timeout);
    }

    /** The first report of the checkpoint for which {@code until} holds, from whichever instance has it. */
    static EvaluationReport awaitReport(Platform platform, List<String> certifiers, String id,
                                        Predicate<EvaluationReport> until, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        EvaluationReport last = null;
        while (System.nanoTime() < deadline) {
            for (String s : certifiers) {
                try {
                    last = CertifierServiceGrpc.newBlockingStub(platform.channel(s))
                            .getReport(GetReportRequest.newBuilder().setCheckpointId(id).build());
                    if (until.test(last)) {
                        return last;
                    }
                } catch (StatusRuntimeException e) {
                    if (e.getStatus().getCode() != Status.Code.NOT_FOUND && e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
                        throw e;
                    }
                }
            }
            ServiceProcess.sleep(1000);
        }
        throw new AssertionError("no such report for " + id + " within " + timeout + "; last: " + last);
    }

    /** The report's figures are core's evaluation of the first {@code images} test images in one piece. */
    static void assertWholeEvaluation(EvaluationReport report, int images) {
        ErrorTable expected = new Evaluator(EvaluationSettings.sound(PgdOptions.specEvaluation(EPS),
                List.of(new Ibp(), new CrownIbp()))).evaluate(RealMnist.naturalModel(), RealMnist.test(images)).table();
        assertEquals(3, report.getRatesCount(), report.toString());
        for (ErrorRates r : report.getRatesList()) {
            assertEquals(images, r.getSamples());
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
    }
}
