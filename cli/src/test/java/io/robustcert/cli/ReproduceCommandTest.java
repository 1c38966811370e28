package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.robustcert.core.testing.RealMnist;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code robustcert reproduce} on real MNIST, shrunk: every output, and a second run that redoes nothing. */
class ReproduceCommandTest {

    static List<String> small(Path dir) {
        return new ArrayList<>(List.of("reproduce", "--runs", dir.resolve("runs").toString(), "--results",
                dir.resolve("results").toString(), "--methods", "ibp,cap", "--epsilons", "0.1,0.3", "--test-limit", "20",
                "--set", "train_limit=128", "--set", "batch_size=64", "--set", "epochs=3", "--set", "schedule_length=1",
                "--set", "lr_milestones=2", "--set", "eval_limit=20", "--set", "smoothness_every=1",
                "--data-dir", RealMnist.dataDir().toString(), "--no-progress"));
    }

    @Test
    void trainsEvaluatesWritesTheTableAndResumesWithoutRedoingWork(@TempDir Path dir) throws Exception {
        Cli.Result r = Cli.run(small(dir).toArray(String[]::new));
        assertEquals(0, r.code(), r.toString());
        // Without a progress bar, each evaluation reports its samples as it goes.
        assertTrue(r.out().contains("cap ε 0.3: bounds + spec PGD: 20/20 samples")
                && r.out().contains("cap ε 0.3: default PGD: 20/20 samples"), r.out());
        Path results = dir.resolve("results");
        for (String f : List.of("results.md", "results.json", "verified-error-per-epoch.png", "loss-variation.png",
                "gradient-difference.png", "cosine-distance.png", "models/mnist_small-ibp.safetensors",
                "models/mnist_small-cap.safetensors")) {
            assertTrue(Files.isRegularFile(results.resolve(f)), f);
        }
        JsonNode json = Cli.JSON.readTree(results.resolve("results.json").toFile());
        for (String m : List.of("ibp", "cap")) {
            JsonNode rows = json.get("rows").get(m);
            assertEquals(2, rows.size(), m);
            for (JsonNode row : rows) {
                assertEquals(20, row.get("samples").asInt());
                double best = row.get("verified_error_best").asDouble();
                // The best sound bound is no worse than any one of them, and nothing verified is broken.
                row.get("verified_error").forEach(v -> assertTrue(best <= v.asDouble() + 1e-9, row.toString()));
                assertTrue(row.get("pgd_error_spec").asDouble() <= best + 1e-9, row.toString());
                assertTrue(row.get("standard_error").asDouble() <= row.get("pgd_error_spec").asDouble() + 1e-9);
                assertFalse(row.get("unsound").asBoolean(), row.toString());
            }
        }
        assertTrue(json.get("rows").get("cap").get(0).get("verified_error").has("crown-ibp-same"));
        assertTrue(json.get("smoothness").get("ibp").get("probes").asDouble() > 0);
        String md = Files.readString(results.resolve("results.md"));
        assertTrue(md.contains("| 0.1 (this run) |") && md.contains("| 0.1 (paper) | 1.18 / 2.16 / 3.52 |"), md);

        Path evaluation = dir.resolve("runs/cap/evaluation/eps-0.3.json");
        FileTime before = Files.getLastModifiedTime(evaluation);
        Cli.Result again = Cli.run(small(dir).toArray(String[]::new));
        assertEquals(0, again.code(), again.toString());
        assertTrue(again.out().contains("resumed after epoch 3"), again.out());
        assertFalse(again.out().contains("ε 0.30  standard"), "evaluations are read back, not redone: " + again.out());
        assertEquals(before, Files.getLastModifiedTime(evaluation));
        assertEquals(json.get("rows"), Cli.JSON.readTree(results.resolve("results.json").toFile()).get("rows"));
    }

    @Test
    void aSecondReproduceOnTheSameRunsIsRefused(@TempDir Path dir) throws Exception {
        try (RunDirectoryLock held = RunDirectoryLock.acquire(dir.resolve("runs"), "reproduce run")) {
            Cli.Result r = Cli.run(small(dir).toArray(String[]::new));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains("is in use by another reproduce run"), r.err());
            assertFalse(Files.exists(dir.resolve("runs/ibp")), "nothing trained");
        }
    }

    @Test
    void refusesUnknownMethodsAndEpsilonsOutsideTheUnitInterval(@TempDir Path dir) {
        Cli.Result r = Cli.run("reproduce", "--runs", dir.resolve("r").toString(), "--results", dir.resolve("o").toString(),
                "--methods", "ibp,crown");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("unknown method 'crown'"), r.err());
        r = Cli.run("reproduce", "--runs", dir.resolve("r").toString(), "--results", dir.resolve("o").toString(),
                "--epsilons", "-0.1");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("ε must be in [0, 1]"), r.err());
        assertFalse(Files.exists(dir.resolve("r")), "nothing is started on bad input");
    }
}
