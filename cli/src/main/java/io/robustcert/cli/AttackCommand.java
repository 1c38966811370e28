package io.robustcert.cli;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.tensor.Precision;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code robustcert attack}: PGD on a model and dataset at ε; a JSON summary on stdout, and in the output
 * directory the per-sample verdicts and a PNG grid of clean vs adversarial images.
 */
@Command(name = "attack",
        mixinStandardHelpOptions = true,
        description = {
            "Attacks a model with L-infinity PGD on a dataset at EPS. Prints a JSON summary (Standard and PGD "
                    + "error) and writes attack.json (every sample) and adversarial-grid.png (clean vs adversarial "
                    + "images with predictions) into --out.",
            "Every counted adversarial example is re-checked in float64: inside the ball and the domain, misclassified.",
            "Exit codes: 0 success, 2 bad usage or bad input, 70 internal error."},
        sortOptions = false)
final class AttackCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EvaluationOptions options;

    @Option(names = "--out", defaultValue = ".", paramLabel = "DIR",
            description = "Output directory for attack.json and adversarial-grid.png (default: the current directory).")
    Path out;

    @Option(names = "--grid-samples", defaultValue = "16", paramLabel = "N",
            description = "Samples in the PNG grid, broken ones first (default: ${DEFAULT-VALUE}).")
    int gridSamples;

    @Override
    public Integer call() throws UserInputException {
        PgdOptions attack;
        DatasetRef ref;
        try {
            attack = options.attack();
            ref = options.dataset();
            if (gridSamples < 1 || gridSamples > 256) {
                throw new IllegalArgumentException("--grid-samples must be in [1, 256], got " + gridSamples);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path outDir = ReportFiles.prepare(out);
        EvaluationOptions.Loaded loaded = options.load(ref);
        EvaluationReport report;
        try {
            report = new Evaluator(new EvaluationSettings(attack, List.of(), Precision.SOUND, options.batchSize))
                    .evaluate(loaded.network(), loaded.data());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Path json = outDir.resolve("attack.json");
        Path grid = outDir.resolve("adversarial-grid.png");
        Map<String, Object> full = new LinkedHashMap<>();
        full.put("model", options.model.toString());
        full.put("report", report);
        ReportFiles.writeJson(json, full);
        try {
            AdversarialGrid.write(loaded.data(), report.samples(), gridSamples, grid);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + grid + ": " + InputFiles.describe(e));
        }

        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("model", options.model.toString());
        summary.put("dataset", report.dataset());
        summary.put("eps", attack.epsilon());
        summary.put("attack", attack);
        summary.put("samples", report.table().samples());
        summary.put("broken", report.samples().stream().filter(s -> s.broken()).count());
        summary.put("standardError", report.table().standardError());
        summary.put("pgdError", report.table().pgdError());
        summary.put("report", json.toString());
        summary.put("grid", grid.toString());
        try {
            spec.commandLine().getOut().println(ReportFiles.JSON.writeValueAsString(summary));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the summary as JSON", e);
        }
        spec.commandLine().getOut().flush();
        return 0;
    }
}
