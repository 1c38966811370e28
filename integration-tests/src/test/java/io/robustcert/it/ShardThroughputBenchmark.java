package io.robustcert.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.robustcert.v1.EvaluationReport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Issue 7's scale-out figure: shards per second from the announcement to the complete report with one and with
 * two instances of the certifier and of the attack service (each instance its own process; with two, once with
 * ND4J's default thread count and once with the cores split between the instances), on one checkpoint
 * of the first {@code images} MNIST test images in shards of {@code shard} (ShardedCheckpoint's plan: sound IBP
 * and CROWN-IBP, the spec's PGD-100). Not a test: it runs only with {@code -Drobustcert.bench.shards=true}
 * ({@code scripts/bench-shards.sh}) and writes {@code target/shards.json}.
 */
class ShardThroughputBenchmark {

    @Test
    void shardsPerSecondWithOneAndTwoInstances() throws Exception {
        Assumptions.assumeTrue(Boolean.getBoolean("robustcert.bench.shards"), "benchmark: -Drobustcert.bench.shards=true");
        int images = Integer.getInteger("robustcert.bench.images", 2000);
        int shard = Integer.getInteger("robustcert.bench.shard", 100);
        List<Map<String, Object>> runs = new ArrayList<>();
        int cores = Runtime.getRuntime().availableProcessors();
        // (instances per service, ND4J threads per instance: 0 = ND4J's default, all cores; with two instances
        // also half the cores each, as CPU limits would split a node on a cluster)
        for (int[] config : new int[][] {{1, 0}, {2, 0}, {2, Math.max(1, cores / 2)}}) {
            int instances = config[0];
            Map<String, String> env = config[1] == 0 ? Map.of() : Map.of("OMP_NUM_THREADS", Integer.toString(config[1]));
            List<String> certifiers = new ArrayList<>(List.of("certifier-service"));
            List<String> services = new ArrayList<>(List.of("certifier-service", "attack-service"));
            if (instances == 2) {
                certifiers.add("certifier-service#2");
                services.addAll(List.of("certifier-service#2", "attack-service#2"));
            }
            try (Platform platform = Platform.start("shards-" + instances, services, env,
                    ShardedCheckpoint::createShardTopics)) {
                long start = System.nanoTime();
                String id = ShardedCheckpoint.announce(platform, images, shard);
                EvaluationReport report = ShardedCheckpoint.awaitCompleteReport(platform, certifiers, id, Duration.ofHours(1));
                double seconds = (System.nanoTime() - start) / 1e9;
                assertEquals(report.getShardsTotal(), report.getShardsComplete());
                Map<String, Object> run = new LinkedHashMap<>();
                run.put("instances_per_service", instances);
                run.put("nd4j_threads_per_instance", config[1] == 0 ? "default (" + cores + ")" : Integer.toString(config[1]));
                run.put("shards", report.getShardsTotal());
                run.put("seconds", seconds);
                run.put("shards_per_second", report.getShardsTotal() / seconds);
                Map<String, Double> taken = new LinkedHashMap<>();
                for (String s : services) {
                    taken.put(s, platform.service(s).metric(s.startsWith("certifier") ? "robustcert_certifier_shards_total"
                            : "robustcert_attack_shards_total"));
                }
                run.put("shards_taken", taken);
                runs.add(run);
                System.out.println("shard throughput: " + run);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("images", images);
        result.put("shard_size", shard);
        result.put("plan", "sound IBP + CROWN-IBP at eps " + ShardedCheckpoint.EPS + ", PGD-100 (the spec's evaluation preset)");
        result.put("cpus", cores);
        result.put("runs", runs);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(Path.of("target", "shards.json").toFile(), result);
    }
}
