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
 * Two certifier and two attack instances, each its own process, share one checkpoint: its evaluation is cut
 * into shards, both instances of each service take shards (their own metrics say so), and the report equals
 * core's evaluation of the whole slice in one piece.
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class ScaleOutTest {

    static final int IMAGES = 200;
    static final int SHARD = 25;
    static final List<String> CERTIFIERS = List.of("certifier-service", "certifier-service#2");
    static final List<String> ATTACKERS = List.of("attack-service", "attack-service#2");

    static Platform platform;

    @BeforeAll
    static void startTwoOfEach() throws Exception {
        platform = Platform.start("scale-out", List.of(CERTIFIERS.get(0), CERTIFIERS.get(1), ATTACKERS.get(0),
                ATTACKERS.get(1)), Map.of(), ShardedCheckpoint::createShardTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void twoInstancesOfEachShareTheShardsAndTheReportEqualsTheWholeEvaluation() throws Exception {
        String id = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, CERTIFIERS, id, Duration.ofMinutes(10));
        assertEquals(IMAGES / SHARD, report.getShardsTotal());
        assertEquals(IMAGES / SHARD, report.getShardsComplete());
        ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);

        double total = 0;
        for (String s : CERTIFIERS) {
            double done = platform.service(s).metric("robustcert_certifier_shards_total");
            assertTrue(done > 0, s + " certified no shard");
            total += done;
        }
        assertEquals(IMAGES / SHARD, total, 0.0, "each shard certified once");
        total = 0;
        for (String s : ATTACKERS) {
            double done = platform.service(s).metric("robustcert_attack_shards_total");
            assertTrue(done > 0, s + " attacked no shard");
            total += done;
        }
        assertEquals(IMAGES / SHARD, total, 0.0, "each shard attacked once");
    }
}
