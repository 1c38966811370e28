package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.v1.EvaluationReport;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A soak: 20 checkpoints announced in one burst are all reported, each exactly, and the services' resident
 * memory after the burst stays within {@link #RSS_GROWTH_BOUND_MIB} of what it was after one warm-up checkpoint
 * (the JIT, the datasets and ND4J's workspaces are in by then; what the burst adds beyond the bound would be
 * held per checkpoint). The RSS figures are printed for the README.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class SoakTest {

    static final int CHECKPOINTS = 20;
    static final int IMAGES = 10;
    static final int SHARD = 5;
    /** Growth of RSS over the burst allowed per service (its heap may still expand towards -Xmx1g). */
    static final long RSS_GROWTH_BOUND_MIB = 256;
    static final List<String> SERVICES = List.of("certifier-service", "attack-service");

    static Platform platform;

    @BeforeAll
    static void start() throws Exception {
        platform = Platform.start("soak", SERVICES, Map.of(), ShardedCheckpoint::createShardTopics);
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    void twentyCheckpointsInABurstAreAllReportedExactlyWithBoundedMemory() throws Exception {
        String warmUp = ShardedCheckpoint.announce(platform, IMAGES, SHARD);
        ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), warmUp, Duration.ofMinutes(5));
        Map<String, Long> baselineKb = new LinkedHashMap<>();
        SERVICES.forEach(s -> baselineKb.put(s, platform.service(s).rssKb()));

        Map<String, Long> peakKb = new ConcurrentHashMap<>(baselineKb);
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
        for (String s : SERVICES) {
            ServiceProcess process = platform.service(s);
            sampler.scheduleAtFixedRate(() -> peakKb.merge(s, process.rssKb(), Math::max), 0, 250, TimeUnit.MILLISECONDS);
        }
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>();
        try {
            for (int i = 0; i < CHECKPOINTS; i++) {
                ids.add(ShardedCheckpoint.announce(platform, IMAGES, SHARD));
            }
            for (String id : ids) {
                EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, List.of("certifier-service"), id,
                        Duration.ofMinutes(10));
                assertEquals(IMAGES / SHARD, report.getShardsComplete());
                ShardedCheckpoint.assertWholeEvaluation(report, IMAGES);
            }
        } finally {
            sampler.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        for (String s : SERVICES) {
            long afterKb = platform.service(s).rssKb();
            System.out.printf("soak: %s RSS after warm-up %d MiB, peak %d MiB, after %d checkpoints %d MiB (%.0f s)%n", s,
                    baselineKb.get(s) / 1024, peakKb.get(s) / 1024, CHECKPOINTS, afterKb / 1024, seconds);
            assertTrue(afterKb - baselineKb.get(s) <= RSS_GROWTH_BOUND_MIB * 1024, s + " grew from "
                    + baselineKb.get(s) / 1024 + " MiB to " + afterKb / 1024 + " MiB over the burst");
        }
    }
}
