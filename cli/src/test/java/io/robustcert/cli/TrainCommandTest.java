package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.io.ModelFile;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import io.robustcert.core.testing.RealMnist;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code robustcert train} on real MNIST: outputs, resume, and refusals before any work starts. */
class TrainCommandTest {

    static List<String> quick(Path out, int epochs) {
        return new ArrayList<>(List.of("train", "--preset", "mnist-quick", "--set", "train_limit=256", "--set",
                "epochs=" + epochs, "--set", "schedule_length=1", "--set", "eval_limit=64", "--set", "method=crown-ibp",
                "--no-progress", "--data-dir", RealMnist.dataDir().toString(), "--out", out.toString()));
    }

    static Cli.Result run(List<String> args) {
        return Cli.run(args.toArray(String[]::new));
    }

    static double[] weights(Path model) throws Exception {
        try (InputStream in = Files.newInputStream(model)) {
            Network n = ModelFile.read(in, ModelFile.DEFAULT_MAX_BYTES, null).network();
            List<Double> all = new ArrayList<>();
            for (Layer l : n.layers()) {
                for (var p : l.parameters().values()) {
                    for (double v : p.dup('c').data().asDouble()) {
                        all.add(v);
                    }
                }
            }
            return all.stream().mapToDouble(Double::doubleValue).toArray();
        }
    }

    @Test
    void trainsWritesCheckpointsAndPlotsAndResumesToTheSameWeights(@TempDir Path dir) throws Exception {
        Path whole = dir.resolve("whole");
        Cli.Result r = run(quick(whole, 3));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("epoch 3/3"), r.out());
        for (String f : List.of("metrics.json", "config.json", "loss.png", "errors.png", "schedules.png", "smoothness.png",
                "checkpoints/epoch-0003/model.safetensors", "checkpoints/epoch-0003/state.safetensors")) {
            assertTrue(Files.isRegularFile(whole.resolve(f)), f);
        }
        // The checkpoint is a model file the certify gate reads.
        Cli.Result gate = Cli.run("certify", "--model", whole.resolve("checkpoints/epoch-0003/model.safetensors").toString(),
                "--data", "mnist:test:20", "--data-dir", RealMnist.dataDir().toString(), "--eps", "0.01",
                "--min-verified-accuracy", "0", "--steps", "5");
        assertEquals(0, gate.code(), gate.err());

        Path split = dir.resolve("split");
        assertEquals(0, run(quick(split, 1)).code());
        Cli.Result again = run(quick(split, 3));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("already holds a run") && again.err().contains("--resume"), again.err());
        List<String> resume = quick(split, 3);
        resume.add("--resume");
        Cli.Result resumed = run(resume);
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains("resumed after epoch 1"), resumed.out());
        assertArrayEquals(weights(whole.resolve("checkpoints/epoch-0003/model.safetensors")),
                weights(split.resolve("checkpoints/epoch-0003/model.safetensors")), 0.0);
    }

    @Test
    void aRunDirectoryInUseByAnotherTrainingIsRefusedAndUsableOnceReleased(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        try (RunDirectoryLock held = RunDirectoryLock.acquire(out, "training")) {
            Cli.Result r = run(quick(out, 1));
            assertEquals(2, r.code(), r.toString());
            assertTrue(r.err().contains(out + " is in use by another training (process " + ProcessHandle.current().pid()
                    + ")"), r.err());
            assertTrue(!Files.exists(out.resolve("checkpoints")) && !Files.exists(out.resolve("config.json")),
                    "the refused run wrote nothing");
        }
        Cli.Result r = run(quick(out, 1));
        assertEquals(0, r.code(), r.toString());
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/epoch-0001/model.safetensors")));
        // Released at the end of the run: the directory can be resumed (and locked) again.
        try (RunDirectoryLock again = RunDirectoryLock.acquire(out, "training")) {
            assertTrue(Files.isRegularFile(out.resolve(RunDirectoryLock.FILE)));
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--set|colour=blue|unknown setting 'colour'",
        "--set|epsilon=-1|epsilon must be finite and ≥ 0",
        "--set|schedule_length=40|longer than the run",
        "--set|model=resnet|unknown model 'resnet'",
        "--set|dataset=imagenet|imagenet",
        "--set|nokey|--set needs KEY=VALUE",
    })
    void badConfigurationIsRefusedBeforeAnyWork(String option, String value, String message, @TempDir Path dir) {
        List<String> args = quick(dir.resolve("run"), 2);
        args.add(option);
        args.add(value);
        Cli.Result r = run(args);
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains(message), r.err());
        assertTrue(!Files.exists(dir.resolve("run")), "nothing written");
    }

    @Test
    void configFileAndPresetAreExclusiveAndTheFileIsChecked(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("c.json");
        Files.writeString(cfg, "{\"method\": \"ibp\", \"lr_milestones\": [3, 4], \"momentum\": 0.9}");
        Cli.Result r = Cli.run("train", "--config", cfg.toString(), "--out", dir.resolve("o").toString());
        assertEquals(2, r.code());
        assertTrue(r.err().contains("unknown setting 'momentum'"), r.err());
        Files.writeString(cfg, "[1, 2]");
        r = Cli.run("train", "--config", cfg.toString(), "--out", dir.resolve("o").toString());
        assertTrue(r.code() == 2 && r.err().contains("one JSON object"), r.err());
        r = Cli.run("train", "--config", cfg.toString(), "--preset", "mnist", "--out", dir.resolve("o").toString());
        assertEquals(2, r.code(), r.err());
    }
}
