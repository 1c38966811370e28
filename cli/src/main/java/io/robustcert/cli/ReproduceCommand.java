package io.robustcert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.train.GradientSlopeBound;
import io.robustcert.core.train.TrainingConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.nd4j.linalg.api.ndarray.INDArray;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code robustcert reproduce}: the paper's comparison at CPU scale (the {@code mnist-cpu} protocol): trains
 * each method with {@code robustcert train --resume}, then evaluates its final model on the test set at every ε
 * (Standard error; PGD error with the spec's attack and with the platform's default; verified error by IBP,
 * CROWN-IBP and the model's own slope rule, and the best of them, all in sound mode), and writes the results
 * table, plots and final models. Every finished piece is kept on disk, so running it again resumes.
 */
@Command(name = "reproduce",
        mixinStandardHelpOptions = true,
        description = {"Reproduces the paper's MNIST comparison at CPU scale: trains IBP, CROWN-IBP, CAP and ours with "
                + "the mnist-cpu preset, evaluates the final models and writes the results table and plots.",
            "Run it again after a stop: finished trainings and evaluations are kept, an interrupted training resumes "
                    + "from its last checkpoint.",
            "Exit codes: 0 done, 2 bad input, 3 unsoundness alarm in an evaluation, 70 internal error."},
        sortOptions = false)
final class ReproduceCommand implements Callable<Integer> {

    /** The methods of the comparison, in the paper's column order. */
    static final List<String> METHODS = List.of("ibp", "crown-ibp", "cap", "ours");

    @Spec
    CommandSpec spec;

    @Option(names = "--runs", required = true, paramLabel = "DIR",
            description = "Where the training runs and evaluations live (keep it outside the work tree).")
    Path runs;

    @Option(names = "--results", required = true, paramLabel = "DIR",
            description = "Where the results table (Markdown, JSON), the plots and the final models are written.")
    Path results;

    @Option(names = "--methods", split = ",", paramLabel = "M", description = "Subset of ibp, crown-ibp, cap, ours (default: all).")
    List<String> methods = new ArrayList<>(METHODS);

    @Option(names = "--epsilons", split = ",", paramLabel = "E", description = "Evaluation ε (default: 0.1,0.3,0.4).")
    List<Double> epsilons = new ArrayList<>(List.of(0.1, 0.3, 0.4));

    @Option(names = "--test-limit", paramLabel = "N", description = "Evaluate on the first N test images (default: all).")
    int testLimit;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides a training setting for every method (a smaller run; the protocol is the preset).")
    List<String> sets = new ArrayList<>();

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Dataset root (default: $ROBUSTCERT_DATA_DIR, else ~/.robustcert/data).")
    Path dataDir;

    @Option(names = "--no-progress", description = "No progress bars.")
    boolean noProgress;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String m : methods) {
            if (!METHODS.contains(m)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--methods: unknown method '" + m
                        + "' (expected " + String.join(", ", METHODS) + ")");
            }
        }
        for (double e : epsilons) {
            if (!(e >= 0 && e <= 1)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--epsilons: ε must be in [0, 1], got " + e);
            }
        }
        if (testLimit < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--test-limit must be ≥ 0");
        }
        ReportFiles.prepare(results);
        // One reproduce per runs directory: a second would redo the same evaluations and race on the table.
        try (RunDirectoryLock lock = RunDirectoryLock.acquire(runs, "reproduce run")) {
            return reproduce(out);
        }
    }

    private int reproduce(PrintWriter out) throws Exception {
        DatasetRef ref = DatasetRef.parse(testLimit > 0 ? "mnist:test:" + testLimit : "mnist:test");
        Dataset test = DatasetDirectory.load(ref, dataDir);
        Map<String, List<JsonNode>> rows = new LinkedHashMap<>();
        boolean unsound = false;
        // Each method is evaluated as soon as it is trained, so a long run shows its first results early.
        for (String m : methods) {
            out.println("== training " + m + " (" + runs.resolve(m) + ")");
            out.flush();
            int code = train(m);
            if (code != 0) {
                spec.commandLine().getErr().println("error: training " + m + " stopped with exit code " + code);
                return code;
            }
            Path model = finalModel(m);
            String sha = Sha256.of(Files.readAllBytes(model)).hex();
            List<JsonNode> perEps = new ArrayList<>();
            for (double eps : epsilons) {
                JsonNode row = evaluation(m, model, sha, ref, test, eps);
                unsound |= row.get("unsound").asBoolean();
                perEps.add(row);
            }
            rows.put(m, perEps);
            Path dir = ReportFiles.prepare(results.resolve("models"));
            Files.copy(model, dir.resolve("mnist_small-" + m + ".safetensors"), StandardCopyOption.REPLACE_EXISTING);
            // The table so far: the methods done, rewritten as each one finishes.
            ReproductionResults.write(results, rows, runs, new ArrayList<>(rows.keySet()), ref.toString());
        }
        out.println("results: " + results.resolve(ReproductionResults.MARKDOWN) + ", "
                + results.resolve(ReproductionResults.JSON));
        if (unsound) {
            spec.commandLine().getErr().println("UNSOUND: a certified sample was broken by a checked adversarial example; "
                    + "see the evaluation files under " + runs);
            return Main.EXIT_UNSOUND;
        }
        return 0;
    }

    /** Runs (or resumes, or finds finished) the training of one method through {@code robustcert train}. */
    private int train(String method) {
        List<String> args = new ArrayList<>(List.of("train", "--preset", "mnist-cpu", "--set", "method=" + method,
                "--out", runs.resolve(method).toString(), "--resume"));
        for (String s : sets) {
            args.add("--set");
            args.add(s);
        }
        if (dataDir != null) {
            args.add("--data-dir");
            args.add(dataDir.toString());
        }
        if (noProgress) {
            args.add("--no-progress");
        }
        CommandLine train = Main.commandLine(spec.commandLine().getOut(), spec.commandLine().getErr(),
                CommandLine.defaultFactory());
        return train.execute(args.toArray(String[]::new));
    }

    /** The model of the run's last epoch (no selection on the test set). */
    private Path finalModel(String method) throws IOException, UserInputException {
        Path run = runs.resolve(method);
        JsonNode config = ReportFiles.JSON.readTree(run.resolve("config.json").toFile());
        int epochs = config.get("epochs").asInt();
        Path model = run.resolve("checkpoints").resolve(String.format(Locale.ROOT, "epoch-%04d", epochs))
                .resolve(CheckpointDirectory.MODEL);
        if (!Files.isRegularFile(model)) {
            throw new UserInputException("training " + method + " has no final checkpoint " + model);
        }
        return model;
    }

    /** One (method, ε) evaluation, read back when it was done before for the same model bytes and test set. */
    private JsonNode evaluation(String method, Path model, String sha, DatasetRef ref, Dataset test, double eps)
            throws IOException, UserInputException {
        Path file = runs.resolve(method).resolve("evaluation")
                .resolve(String.format(Locale.ROOT, "eps-%s.json", Double.toString(eps)));
        if (Files.isRegularFile(file)) {
            JsonNode done = ReportFiles.JSON.readTree(file.toFile());
            if (sha.equals(done.path("model_sha256").asText()) && ref.toString().equals(done.path("dataset").asText())) {
                return done;
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        Network network = InputFiles.loadModel(model, null);
        long begin = System.nanoTime();
        String what = String.format(Locale.ROOT, "%s ε %s", method, eps);
        EvaluationReport certified;
        EvaluationReport attacked;
        try (EvaluationProgress bounds = new EvaluationProgress(out, what + ": bounds + spec PGD", test.size(), noProgress)) {
            certified = new Evaluator(EvaluationSettings.sound(PgdOptions.specEvaluation(eps), boundsFor(method)))
                    .onProgress(bounds::update).evaluate(network, test);
        }
        try (EvaluationProgress pgd = new EvaluationProgress(out, what + ": default PGD", test.size(), noProgress)) {
            attacked = new Evaluator(EvaluationSettings.sound(PgdOptions.platformDefault(eps), List.of()))
                    .onProgress(pgd::update).evaluate(network, test);
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        ErrorTable t = certified.table();
        // A certified sample broken by either attack (each adversarial example re-checked in float64) is an alarm.
        List<Integer> contradicted = new ArrayList<>();
        for (int i = 0; i < certified.samples().size(); i++) {
            boolean verified = certified.samples().get(i).verified();
            if (verified && (certified.samples().get(i).broken() || attacked.samples().get(i).broken())) {
                contradicted.add(certified.samples().get(i).index());
            }
        }
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("method", method);
        row.put("epsilon", eps);
        row.put("dataset", ref.toString());
        row.put("samples", t.samples());
        row.put("model_sha256", sha);
        row.put("standard_error", t.standardError());
        row.put("pgd_error_spec", t.pgdError());
        row.put("pgd_error_default", attacked.table().pgdError());
        row.put("verified_error", t.verifiedByMethod());
        row.put("verified_error_best", t.verifiedError());
        row.put("unsound", certified.unsound() || !contradicted.isEmpty());
        row.put("unsound_samples", contradicted.size());
        row.put("unsound_sample_indices", contradicted);
        row.put("seconds", seconds);
        Files.createDirectories(file.getParent());
        if (certified.unsound()) {
            ReportFiles.saveAlarms(certified, model, file.getParent());
        }
        ReportFiles.writeJson(file, row);
        out.printf(Locale.ROOT, "%-9s ε %.2f  standard %.2f%%  PGD %.2f%% (spec) %.2f%% (default)  verified %s best %.2f%%  "
                        + "(%d images, %.0f s)%n", method, eps, t.standardError(), t.pgdError(),
                attacked.table().pgdError(), t.verifiedByMethod(), t.verifiedError(), t.samples(), seconds);
        out.flush();
        return ReportFiles.JSON.valueToTree(row);
    }

    /**
     * Progress of one evaluation: a progress bar, or with {@code --no-progress} (a log file) a line at every
     * tenth of the samples.
     */
    static final class EvaluationProgress implements AutoCloseable {
        private final PrintWriter out;
        private final String task;
        private final int total;
        private final ProgressBar bar;
        private int printedTenths;

        EvaluationProgress(PrintWriter out, String task, int total, boolean plain) {
            this.out = out;
            this.task = task;
            this.total = total;
            this.bar = plain ? null : new ProgressBarBuilder().setTaskName(task).setInitialMax(total)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(1000).continuousUpdate().build();
        }

        void update(int done) {
            if (bar != null) {
                bar.stepTo(done);
                return;
            }
            int tenths = (int) (10L * done / Math.max(total, 1));
            if (tenths > printedTenths) {
                printedTenths = tenths;
                out.printf(Locale.ROOT, "   %s: %d/%d samples%n", task, done, total);
                out.flush();
            }
        }

        @Override
        public void close() {
            if (bar != null) {
                bar.close();
            }
        }
    }

    /** IBP, CROWN-IBP (adaptive) and the method's own slope rule where it has one. */
    static List<BoundMethod> boundsFor(String method) {
        List<BoundMethod> bounds = new ArrayList<>(List.of(new Ibp(), new CrownIbp(FixedSlopeRule.ADAPTIVE)));
        switch (method) {
            case "cap" -> bounds.add(new SameSlopeBound());
            case "ours" -> bounds.add(new GradientSlopeBound(TrainingConfig.of("mnist-cpu", List.of()).seed()));
            default -> {
            }
        }
        return bounds;
    }

    /** CROWN-IBP with CAP's slope rule (lower slope = upper slope), under its own label. */
    static final class SameSlopeBound implements BoundMethod {
        private final CrownIbp bound = new CrownIbp(FixedSlopeRule.SAME);

        @Override
        public String label() {
            return "crown-ibp-same";
        }

        @Override
        public boolean perExample() {
            return bound.perExample();
        }

        @Override
        public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
            return bound.compute(network, inputs, labels, ball, precision).withMethod(label());
        }
    }
}
