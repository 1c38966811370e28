package io.robustcert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The files {@code robustcert reproduce} writes: the results table in the paper's layout (Markdown and
 * JSON, beside the paper's MNIST figures), a summary of the smoothness measures, and the plots of verified
 * error per epoch and of the smoothness measures per method.
 */
final class ReproductionResults {

    static final String MARKDOWN = "results.md";
    static final String JSON = "results.json";

    /** method.md §11 (the paper's talk slides): Standard / PGD / Verified error (%) on MNIST, one model per ε. */
    static final Map<String, Map<Double, String>> PAPER = Map.of(
            "ibp", Map.of(0.1, "1.18 / 2.16 / 3.52", 0.3, "3.50 / 5.85 / 10.45", 0.4, "3.50 / 7.30 / 17.06"),
            "crown-ibp", Map.of(0.1, "1.07 / 1.69 / 2.10", 0.3, "5.73 / 10.76 / 16.28", 0.4, "5.73 / 14.63 / 23.80"),
            "cap", Map.of(0.1, "0.80 / 1.73 / 3.19", 0.3, "19.19 / 35.84 / 47.85"),
            "ours", Map.of(0.1, "1.09 / 1.77 / 2.36", 0.3, "3.49 / 5.50 / 9.79", 0.4, "3.49 / 6.77 / 15.42"));

    private static final Map<String, String> NAMES = Map.of("ibp", "IBP", "crown-ibp", "CROWN-IBP (β=1)", "cap", "CAP",
            "ours", "ours");

    private ReproductionResults() {
    }

    static void write(Path dir, Map<String, List<JsonNode>> rows, Path runs, List<String> methods, String dataset)
            throws IOException, UserInputException {
        Map<String, JsonNode> history = new LinkedHashMap<>();
        for (String m : methods) {
            history.put(m, ReportFiles.JSON.readTree(runs.resolve(m).resolve("metrics.json").toFile()));
        }
        Map<String, Map<String, Double>> smoothness = new LinkedHashMap<>();
        history.forEach((m, h) -> smoothness.put(m, smoothnessSummary(h)));

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("protocol", "mnist-cpu preset (issue 9): mnist_small, 60 000 training images, 10 epochs, train ε 0.4");
        json.put("dataset", dataset);
        json.put("rows", rows);
        json.put("smoothness", smoothness);
        json.put("paper", PAPER);
        ReportFiles.writeJson(dir.resolve(JSON), json);
        ReportFiles.write(dir.resolve(MARKDOWN), markdown(rows, smoothness, methods, dataset).getBytes(StandardCharsets.UTF_8));
        plots(dir, history);
    }

    /** Means over the probes of the robust epochs: loss variation, and gradient difference and cosine distance at λ = 1. */
    static Map<String, Double> smoothnessSummary(JsonNode history) {
        double variation = 0;
        double gradient = 0;
        double cosine = 0;
        int n = 0;
        for (JsonNode epoch : history) {
            for (JsonNode probe : epoch.path("smoothness")) {
                variation += range(probe.get("loss"));
                gradient += last(probe.get("gradientDifference"));
                cosine += last(probe.get("cosineDistance"));
                n++;
            }
        }
        Map<String, Double> s = new LinkedHashMap<>();
        s.put("probes", (double) n);
        s.put("loss_variation", n == 0 ? Double.NaN : variation / n);
        s.put("gradient_difference", n == 0 ? Double.NaN : gradient / n);
        s.put("cosine_distance", n == 0 ? Double.NaN : cosine / n);
        return s;
    }

    private static String markdown(Map<String, List<JsonNode>> rows, Map<String, Map<String, Double>> smoothness,
                                   List<String> methods, String dataset) {
        StringBuilder md = new StringBuilder();
        md.append("<!-- written by `robustcert reproduce`; do not edit by hand -->\n");
        md.append("Standard / PGD / Verified error (%) on ").append(dataset)
                .append(", final-epoch models (no selection on the test set), ℓ∞ box clipped to [0, 1]. PGD: the spec's "
                        + "attack (100 steps of ε/4, no random start, cross-entropy); verified: the best of the sound bounds.\n\n");
        md.append("| ε |");
        methods.forEach(m -> md.append(' ').append(NAMES.get(m)).append(" |"));
        md.append("\n|---|");
        methods.forEach(m -> md.append("---|"));
        md.append('\n');
        List<Double> eps = new ArrayList<>();
        rows.values().iterator().next().forEach(r -> eps.add(r.get("epsilon").asDouble()));
        for (int i = 0; i < eps.size(); i++) {
            md.append(String.format(Locale.ROOT, "| %s (this run) |", eps.get(i)));
            for (String m : methods) {
                JsonNode r = rows.get(m).get(i);
                md.append(String.format(Locale.ROOT, " %.2f / %.2f / %.2f |", r.get("standard_error").asDouble(),
                        r.get("pgd_error_spec").asDouble(), r.get("verified_error_best").asDouble()));
            }
            md.append('\n');
            md.append(String.format(Locale.ROOT, "| %s (paper) |", eps.get(i)));
            for (String m : methods) {
                String p = PAPER.getOrDefault(m, Map.of()).get(eps.get(i));
                md.append(' ').append(p == null ? "—" : p).append(" |");
            }
            md.append('\n');
        }
        md.append("\nEvery column, per method and ε (%):\n\n");
        md.append("| method | ε | standard | PGD (spec) | PGD (platform default) | verified IBP | verified CROWN-IBP "
                + "| verified own rule | verified best | unsound | seconds |\n|---|---|---|---|---|---|---|---|---|---|---|\n");
        for (String m : methods) {
            for (JsonNode r : rows.get(m)) {
                JsonNode v = r.get("verified_error");
                JsonNode own = m.equals("cap") ? v.get("crown-ibp-same") : m.equals("ours") ? v.get("crown-ibp-ours")
                        : m.equals("ibp") ? v.get("ibp") : v.get("crown-ibp");
                md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %.2f | %d | %.0f |%n",
                        NAMES.get(m), r.get("epsilon").asDouble(), r.get("standard_error").asDouble(),
                        r.get("pgd_error_spec").asDouble(), r.get("pgd_error_default").asDouble(),
                        v.get("ibp").asDouble(), v.get("crown-ibp").asDouble(), own.asDouble(),
                        r.get("verified_error_best").asDouble(), r.get("unsound_samples").asInt(),
                        r.get("seconds").asDouble()));
            }
        }
        md.append("\nLoss-landscape measures during training (mean over the probes of the robust epochs, every 100 "
                + "iterations; method.md §10.3): lower is smoother.\n\n| method | probes | loss variation | gradient "
                + "difference (λ = 1) | cosine distance (λ = 1) |\n|---|---|---|---|---|\n");
        smoothness.forEach((m, s) -> md.append(String.format(Locale.ROOT, "| %s | %.0f | %.4f | %.6f | %.4f |%n",
                NAMES.get(m), s.get("probes"), s.get("loss_variation"), s.get("gradient_difference"),
                s.get("cosine_distance"))));
        return md.toString();
    }

    private static void plots(Path dir, Map<String, JsonNode> history) throws IOException {
        XYSeriesCollection verified = new XYSeriesCollection();
        history.forEach((m, h) -> {
            XYSeries s = new XYSeries(NAMES.get(m));
            for (JsonNode e : h) {
                s.add(e.get("epoch").asInt(), 100 * Math.min(e.get("ibpVerifiedError").asDouble(),
                        e.get("crownIbpVerifiedError").asDouble()));
            }
            verified.addSeries(s);
        });
        TrainingPlots.save(dir.resolve("verified-error-per-epoch.png"),
                "Verified error per epoch (best of IBP, CROWN-IBP; fast mode, 1000 test images, the epoch's ε)", "epoch",
                "verified error (%)", verified);
        smoothnessPlot(dir.resolve("loss-variation.png"), "Loss variation along the gradient", history,
                p -> range(p.get("loss")));
        smoothnessPlot(dir.resolve("gradient-difference.png"), "Gradient difference RMS(g − g_λ), λ = 1", history,
                p -> last(p.get("gradientDifference")));
        smoothnessPlot(dir.resolve("cosine-distance.png"), "Cosine distance 1 − cos∠(g, g_λ), λ = 1", history,
                p -> last(p.get("cosineDistance")));
    }

    private static void smoothnessPlot(Path png, String title, Map<String, JsonNode> history, ToDoubleFunction<JsonNode> f)
            throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        history.forEach((m, h) -> {
            XYSeries s = new XYSeries(NAMES.get(m));
            for (JsonNode e : h) {
                for (JsonNode p : e.path("smoothness")) {
                    s.add(p.get("step").asDouble(), f.applyAsDouble(p));
                }
            }
            data.addSeries(s);
        });
        TrainingPlots.save(png, title, "iteration", "value", data);
    }

    private static double range(JsonNode values) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (Iterator<JsonNode> it = values.elements(); it.hasNext(); ) {
            double v = it.next().asDouble();
            lo = Math.min(lo, v);
            hi = Math.max(hi, v);
        }
        return hi - lo;
    }

    /** The last entry of a λ-indexed array: λ = 1 (SmoothnessProbe.LAMBDAS ends with it). */
    private static double last(JsonNode values) {
        return values.get(values.size() - 1).asDouble();
    }
}
