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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The broker stopped (SIGTERM) while a checkpoint's shards are being certified and attacked, and started again
 * on the same data: the services wait for it (their results are sent again or their records taken again, never
 * dropped), an attack instance killed and started while it is away connects once it is back, and the report
 * completes with exactly the figures of an undisturbed run, each sample counted once.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class BrokerRestartTest {

    static final int IMAGES = 200;
    static final int SHARD = 25;
    /**
     * The services' Kafka clients give up after 10 s (instead of Kafka's minutes), so during the outage their
     * sends and commits do fail and the records in hand are taken again: the path a long outage takes.
     */
    static final Map<String, String> SHORT_CLIENT_TIMEOUTS = Map.of("KAFKA_REQUEST_TIMEOUT_MS", "5000",
            "KAFKA_DELIVERY_TIMEOUT_MS", "10000", "KAFKA_MAX_BLOCK_MS", "10000", "KAFKA_DEFAULT_API_TIMEOUT_MS", "10000");
    /** Longer than the clients' timeouts. */
    static final Duration OUTAGE = Duration.ofSeconds(20);

    static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("broker-restart", List.of("certifier-service", "attack-service"), SHORT_CLIENT_TIMEOUTS,
                ShardedCheckpoint::createShardTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void theBrokerStoppedMidFlowAndRestartedLosesAndDuplicatesNothing() throws Exception {
        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        List<CertificationCompleted> some = new TopicProbe(platform.broker.bootstrapServers()).await(
                "robustcert.certificates.v1", id, CertificationCompleted::parseFrom, l -> l.size() >= 2, Duration.ofMinutes(5));
        assertTrue(some.size() < 2 * IMAGES / SHARD, "the broker must stop before the certifier is done");

        long stopped = System.nanoTime();
        platform.broker.stop();
        ServiceProcess.sleep(OUTAGE.toMillis() / 2);
        assertTrue(platform.service("certifier-service").ready() && platform.service("attack-service").ready(),
                "the services answer while the broker is away");
        // an instance that starts while the broker is away starts all the same and connects when it is back
        platform.killAndRestart("attack-service");
        ServiceProcess.sleep(OUTAGE.toMillis() / 2);
        platform.broker.start();
        System.out.printf("broker restart: down %.1f s%n", (System.nanoTime() - stopped) / 1e9);

        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                Duration.ofMinutes(8));
        System.out.printf("broker restart: stop to complete report %.1f s%n", (System.nanoTime() - stopped) / 1e9);
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        assertEquals(IMAGES / SHARD, report.getShardsComplete());
        assertEquals(0, report.getFailedShardsCount(), report.toString());
        // the undisturbed figures over exactly IMAGES samples: nothing lost, nothing counted twice
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);
        double retried = platform.service("certifier-service").metric("robustcert_consumer_retries_total")
                + platform.service("attack-service").metric("robustcert_consumer_retries_total");
        System.out.printf("broker restart: %.0f records taken again%n", retried);
        assertTrue(retried > 0, "the outage outlasted the clients' timeouts, so some record must have been taken again");
    }
}
