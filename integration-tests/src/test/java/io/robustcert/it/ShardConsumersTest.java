package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * One instance of each service working on two shards at once ({@code robustcert.flow.shard-consumers=2}, one
 * ND4J thread each, as for the latency figures in the README): both consumers of each shard group take shards
 * (their {@code robustcert_consumer_records_total} say so), and the report equals core's whole evaluation.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ShardConsumersTest {

    static final int IMAGES = 200;
    static final int SHARD = 25;

    static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("shard-consumers", List.of("certifier-service", "attack-service"),
                Map.of("ROBUSTCERT_FLOW_SHARD_CONSUMERS", "2", "OMP_NUM_THREADS", "1"), ShardedCheckpoint::createShardTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void twoConsumersInOneInstanceShareTheShardsAndTheReportIsExact() throws Exception {
        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                Duration.ofMinutes(10));
        assertEquals(IMAGES / SHARD, report.getShardsComplete());
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);
        for (String[] service : new String[][] {{"certifier-service", "certifier-shards"}, {"attack-service", "attack-shards"}}) {
            double first = platform.service(service[0]).metric("robustcert_consumer_records_total", service[1]);
            double second = platform.service(service[0]).metric("robustcert_consumer_records_total", service[1] + "-1");
            assertTrue(first > 0 && second > 0, service[0] + ": shards per consumer " + first + ", " + second);
            assertEquals(IMAGES / SHARD, first + second, 0.0, service[0] + ": each shard once");
        }
    }
}
