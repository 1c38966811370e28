package io.robustcert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.train.EpochMetrics;
import io.robustcert.core.train.Trainer;
import io.robustcert.core.train.TrainingConfig;
import io.robustcert.core.train.TrainingState;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robustcert train}: certified training from a preset or a config file, with {@code --set}
 * overrides; checkpoints, metrics and plots under {@code --out}; {@code --resume} continues from the last
 * checkpoint (or starts when there is none), ending with the weights an uninterrupted run would have.
 */
@Command(name = "train",
        mixinStandardHelpOptions = true,
        description = {"Trains a network with natural, IBP, CROWN-IBP, CAP or the paper's gradient-chosen slopes (ours).",
            "Presets: " + "mnist, cifar10, svhn (the paper's configurations), mnist-cpu, mnist-quick (CPU scale).",
            "Exit codes: 0 done, 2 bad configuration or input, 70 internal error."},
        sortOptions = false)
final class TrainCommand implements Callable<Integer> {

    static final class Source {
        @Option(names = "--preset", paramLabel = "NAME", description = "A named configuration.")
        String preset;

        @Option(names = "--config", paramLabel = "FILE", description = "A JSON object of settings (key: value).")
        Path config;
    }

    @Spec
    CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Overrides one setting (repeatable).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "The run's directory (keep it outside the work tree).")
    Path out;

    @Option(names = "--resume", description = "Continue the run in --out from its last checkpoint.")
    boolean resume;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Dataset root (default: $ROBUSTCERT_DATA_DIR, else ~/.robustcert/data).")
    Path dataDir;

    @Option(names = "--no-progress", description = "No progress bar (one line per epoch only).")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        TrainingConfig config = configuration();
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(out, "training")) {
            return train(config, stdout);
        }
    }

    /** The run itself, with {@code --out} locked against a second training resuming it meanwhile. */
    private int train(TrainingConfig config, PrintWriter stdout) throws Exception {
        CheckpointDirectory checkpoints = new CheckpointDirectory(out);
        Optional<Path> last = checkpoints.latest();
        if (last.isPresent() && !resume) {
            throw new UserInputException(out + " already holds a run (" + last.get().getFileName()
                    + "); pass --resume to continue it or choose another --out");
        }
        String kind = config.dataset().id();
        Dataset train = DatasetDirectory.load(DatasetRef.parse(kind + ":train"), dataDir);
        Dataset test = DatasetDirectory.load(DatasetRef.parse(kind + ":test"), dataDir);
        Trainer trainer = new Trainer(config, train, test);
        TrainingState state = last.isPresent() ? CheckpointDirectory.read(last.get(), trainer, config) : trainer.start();
        ReportFiles.writeJson(out.resolve("config.json"), config.settings());
        stdout.printf(Locale.ROOT, "training %s with %s on %s (%d images, %d batches of %d per epoch), %s%n",
                config.model(), config.method(), trainer.trainingData().name(), trainer.trainingData().size(),
                trainer.batchesPerEpoch(), config.batchSize(),
                state.epochsDone() > 0 ? "resumed after epoch " + state.epochsDone() : "from scratch");
        while (state.epochsDone() < config.epochs()) {
            EpochMetrics m;
            try (ProgressBar bar = progressBar(state.epochsDone(), config.epochs(), trainer.batchesPerEpoch())) {
                m = trainer.runEpoch(state, new Trainer.Listener() {
                    @Override
                    public void batch(int epoch, int batch, int batches, double eps, double loss, double imagesPerSecond) {
                        if (bar != null) {
                            bar.stepTo(batch + 1L);
                            bar.setExtraMessage(String.format(Locale.ROOT, " ε %.4f loss %.4f %.0f img/s", eps, loss,
                                    imagesPerSecond));
                        }
                    }
                });
            }
            stdout.printf(Locale.ROOT, "epoch %d/%d  ε %.4f  loss %.4f  clean %.2f%%  IBP-verified %.2f%%  "
                    + "CROWN-IBP-verified %.2f%% (ε %.4f, %d test images)  %.0f img/s%n", m.epoch() + 1, config.epochs(),
                    m.epsilon(), m.meanLoss(), 100 * m.cleanError(), 100 * m.ibpVerifiedError(),
                    100 * m.crownIbpVerifiedError(), m.evalEpsilon(), Math.min(config.evalLimit() == 0 ? test.size()
                            : config.evalLimit(), test.size()), m.imagesPerSecond());
            stdout.flush();
            ReportFiles.writeJson(out.resolve("metrics.json"), state.history());
            TrainingPlots.write(state.history(), out);
            if (state.epochsDone() % config.checkpointEvery() == 0 || state.epochsDone() == config.epochs()) {
                Path written = checkpoints.write(state, config, trainer.trainingData());
                stdout.println("checkpoint " + written);
            }
        }
        stdout.println("done: " + out.resolve("metrics.json") + ", plots " + out.resolve("errors.png"));
        return 0;
    }

    private ProgressBar progressBar(int epoch, int epochs, int batches) {
        if (noProgress) {
            return null;
        }
        return new ProgressBarBuilder().setTaskName(String.format(Locale.ROOT, "epoch %d/%d", epoch + 1, epochs))
                .setInitialMax(batches).setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(500)
                .continuousUpdate().build();
    }

    private TrainingConfig configuration() throws UserInputException {
        List<Map<String, String>> overrides = new ArrayList<>();
        if (source.config != null) {
            overrides.add(readConfigFile(source.config));
        }
        Map<String, String> set = new LinkedHashMap<>();
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new UserInputException("--set needs KEY=VALUE, got '" + s + "'");
            }
            set.put(s.substring(0, eq).trim(), s.substring(eq + 1));
        }
        overrides.add(set);
        try {
            return TrainingConfig.of(source.preset, overrides);
        } catch (IllegalArgumentException e) {
            throw new UserInputException("configuration: " + e.getMessage());
        }
    }

    private static Map<String, String> readConfigFile(Path file) throws UserInputException {
        byte[] bytes = InputFiles.readLimited(file, "config file", 1 << 20);
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UserInputException("config file " + file + " is not valid JSON: " + Main.oneLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new UserInputException("config file " + file + " must hold one JSON object of settings");
        }
        Map<String, String> settings = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isArray()) {
                List<String> parts = new ArrayList<>();
                v.forEach(x -> parts.add(x.asText()));
                settings.put(e.getKey(), String.join(",", parts));
            } else if (v.isValueNode()) {
                settings.put(e.getKey(), v.asText());
            } else if (e.getKey().equals("model") && v.isObject()) {
                settings.put(e.getKey(), v.toString());
            } else {
                throw new UserInputException("config file " + file + ": setting '" + e.getKey() + "' must be a value or a list");
            }
        }
        return settings;
    }
}
