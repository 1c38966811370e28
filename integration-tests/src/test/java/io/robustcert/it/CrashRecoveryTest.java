package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.testing.kafka.TopicProbe;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.EvaluationReport;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The certifier killed with SIGKILL in the middle of a checkpoint's shards and started again: the shard it
 * held is handed out again (its offset was never committed), the reports it held are rebuilt from the
 * topics, and the report completes with the figures of an undisturbed run. Recovery time (kill to complete
 * report) is printed for the README.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class CrashRecoveryTest {

    static final int IMAGES = 200;
    static final int SHARD = 25;

    static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("crash", List.of("certifier-service", "attack-service"), Map.of(),
                ShardedCheckpoint::createShardTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void aCertifierKilledMidShardAndRestartedCompletesTheReportOfAnUndisturbedRun() throws Exception {
        // A first checkpoint, complete before the crash: its report must survive the restart.
        String before = ShardedCheckpoint.announce(platform, 50, SHARD);
        EvaluationReport earlier = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), before,
                Duration.ofMinutes(5));

        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        List<CertificationCompleted> some = new TopicProbe(platform.broker.bootstrapServers()).await(
                "robustcert.certificates.v1", id, CertificationCompleted::parseFrom, l -> l.size() >= 2, Duration.ofMinutes(5));
        assertTrue(some.size() < 2 * IMAGES / SHARD, "the certifier must be killed before it is done");
        long killed = System.nanoTime();
        platform.killAndRestart("certifier-service");

        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                Duration.ofMinutes(8));
        double seconds = (System.nanoTime() - killed) / 1e9;
        System.out.printf("crash recovery: kill to complete report %.1f s (%d images in shards of %d)%n", seconds,
                IMAGES, SHARD);
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        assertEquals(IMAGES / SHARD, report.getShardsComplete());
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);

        EvaluationReport rebuilt = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), before,
                Duration.ofSeconds(30));
        assertEquals(earlier.getRatesList(), rebuilt.getRatesList(), "the earlier report, rebuilt after the restart");
    }

    /**
     * SIGTERM is a graceful shutdown: the shard in hand is finished (both methods' results sent) before the
     * instance leaves, and the instance started again completes the report with the undisturbed figures.
     */
    @Test
    void aCertifierStoppedWithSigtermMidShardFinishesTheShardInHandAndTheReportCompletes() throws Exception {
        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        TopicProbe probe = new TopicProbe(platform.broker.bootstrapServers());
        probe.await("robustcert.certificates.v1", id, CertificationCompleted::parseFrom, l -> !l.isEmpty(),
                Duration.ofMinutes(5));
        ServiceProcess stopping = platform.service("certifier-service");
        stopping.close();
        assertTrue(java.nio.file.Files.readString(stopping.log()).contains("certifier-service stopped in"),
                "a clean Quarkus shutdown, not a kill; see " + stopping.log());
        // every shard with results on the topic has all of them: nothing half-written
        probe.await("robustcert.certificates.v1", id, CertificationCompleted::parseFrom, l -> l.stream()
                .collect(Collectors.groupingBy(c -> c.getShard().getShardIndex(), Collectors.counting())).values().stream()
                .allMatch(n -> n % 2 == 0), Duration.ofSeconds(20));
        platform.restart("certifier-service");

        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                Duration.ofMinutes(8));
        assertEquals(IMAGES / SHARD, report.getShardsComplete());
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);
    }
}
