package io.robustcert.cli;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.Gate;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.ModelFormat;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code robustcert certify}: Standard / PGD / Verified error of a model on a dataset at ε, and a gate on
 * the verified accuracy and the PGD error. The evaluation runs in this process, or with {@code --remote} on
 * the certifier service ({@link RemoteCertifier}), whose table goes through the same {@link Gate}.
 */
@Command(name = "certify",
        mixinStandardHelpOptions = true,
        description = {
            "Certifies a model on a dataset at EPS with sound bounds, attacks it with PGD, prints the table of "
                    + "Standard / PGD / Verified error (%%) and checks the thresholds.",
            "Exit codes: 0 thresholds met, 1 not met, 2 bad usage or bad input, 3 unsoundness alarm (a certified "
                    + "sample broken by a checked adversarial example; wins over 1), 69 --remote service unavailable, "
                    + "70 internal error."},
        sortOptions = false)
final class CertifyCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    EvaluationOptions options;

    @Option(names = "--method", split = ",", defaultValue = "ibp,crown-ibp", paramLabel = "ibp|crown-ibp|crown",
            description = "Bound methods, comma-separated; the verified error takes the best (default: ${DEFAULT-VALUE}).")
    List<String> methods;

    @Option(names = "--slopes", defaultValue = "adaptive", paramLabel = "adaptive|zero|one|same",
            description = "Lower ReLU slope rule of crown-ibp and crown (default: ${DEFAULT-VALUE}).")
    String slopes;

    @Option(names = "--mode", defaultValue = "sound", paramLabel = "sound|fast",
            description = "sound: float64 with rigorous rounding (a proof); fast: float32 (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--min-verified-accuracy", required = true, paramLabel = "A",
            description = "Least fraction of samples verified, in [0,1].")
    double minVerifiedAccuracy;

    @Option(names = "--max-pgd-error", paramLabel = "P", description = "Largest fraction broken by the attack, in [0,1].")
    Double maxPgdError;

    @Option(names = "--out", paramLabel = "DIR",
            description = "Writes report.json (every verdict; the table only with --remote) and errors.png (the chart) into DIR.")
    Path out;

    @Option(names = "--remote", paramLabel = "HOST:PORT",
            description = "Runs the evaluation on the certifier service (gRPC CertifyModel, plaintext) instead of in this "
                    + "process: same table, same thresholds, same exit codes; 69 when the service cannot be reached.")
    String remote;

    @Option(names = "--remote-timeout", defaultValue = "3600", paramLabel = "SECONDS",
            description = "Deadline of the --remote call (default: ${DEFAULT-VALUE}).")
    long remoteTimeout;

    private final BoundMethods available;

    CertifyCommand() {
        this(BoundMethods.standard());
    }

    CertifyCommand(BoundMethods available) {
        this.available = available;
    }

    @Override
    public Integer call() throws UserInputException {
        PgdOptions attack;
        DatasetRef ref;
        Precision precision;
        List<BoundMethod> bounds;
        Gate gate;
        try {
            attack = options.attack();
            ref = options.dataset();
            precision = parse("--mode", () -> Precision.parse(mode));
            FixedSlopeRule rule = parse("--slopes", () -> FixedSlopeRule.parse(slopes));
            bounds = parse("--method", () -> available.parse(methods, rule));
            gate = parse("thresholds", () -> new Gate(minVerifiedAccuracy, maxPgdError));
            if (remote != null) {
                RemoteCertifier service = new RemoteCertifier(remote, remoteTimeout);
                Path outDir = out == null ? null : ReportFiles.prepare(out);
                return remote(service, ref, gate, attack, outDir);
            }
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path outDir = out == null ? null : ReportFiles.prepare(out);
        EvaluationOptions.Loaded loaded = options.load(ref);

        EvaluationReport report;
        try {
            report = new Evaluator(new EvaluationSettings(attack, bounds, precision, options.batchSize))
                    .evaluate(loaded.network(), loaded.data());
        } catch (IllegalArgumentException e) {
            throw new UserInputException(e.getMessage());
        }
        Gate.Decision decision = gate.decide(report);

        print(ref, attack, report.table(), decision);

        // The alarm first: nothing after it (a full disk, an unwritable chart) may turn exit code 3 into another.
        if (report.unsound()) {
            PrintWriter err = spec.commandLine().getErr();
            String what = "UNSOUND: " + report.alarms().size() + " certificate(s) contradicted by checked adversarial "
                    + "examples (methods " + report.alarms().stream().map(a -> a.method()).distinct().toList()
                    + "; samples " + report.alarms().stream().map(a -> a.sample()).distinct().limit(20).toList() + ")";
            try {
                err.println(what + "; the samples are saved in " + ReportFiles.saveAlarms(report, options.model, outDir));
            } catch (UserInputException e) {
                err.println(what + "; saving them failed: " + e.getMessage());
            }
            err.flush();
        }
        if (outDir != null) {
            try {
                writeReport(outDir, report, decision, ref);
            } catch (UserInputException e) {
                if (!report.unsound()) {
                    throw e;
                }
                spec.commandLine().getErr().println("error: " + e.getMessage());
            }
        }
        if (report.unsound()) {
            return Main.EXIT_UNSOUND;
        }
        return decision.outcome() == Gate.Outcome.PASS ? 0 : Main.EXIT_FAIL;
    }

    /** The same evaluation on the certifier service; the same lines and exit codes as the local run. */
    private int remote(RemoteCertifier service, DatasetRef ref, Gate gate, PgdOptions attack, Path outDir)
            throws UserInputException {
        byte[] model = InputFiles.readLimited(options.model, "model file", ModelFile.DEFAULT_MAX_BYTES);
        String arch = options.arch == null ? null : new String(InputFiles.readLimited(options.arch, "architecture file",
                InputFiles.MAX_ARCH_BYTES), StandardCharsets.UTF_8);
        List<String> names = methods.stream().flatMap(m -> Arrays.stream(m.split(","))).map(String::strip).toList();
        CertifyModelRequest request = RemoteCertifier.request(model, arch, ref, attack.epsilon(), names,
                slopes, mode, options, minVerifiedAccuracy, maxPgdError);
        if (InputFiles.isOnnx(options.model)) {
            request = request.toBuilder().setModelFormat(ModelFormat.MODEL_FORMAT_ONNX).build();
        }
        RemoteCertifier.Answer answer;
        try {
            answer = service.certify(request, names);
        } catch (RemoteCertifier.RemoteFailure e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return e.exitCode;
        }
        Gate.Decision decision = gate.decide(answer.table(), answer.unsound() ? 1 : 0);
        print(ref, attack, answer.table(), decision);
        if (answer.unsound()) {
            spec.commandLine().getErr().println("UNSOUND: the certifier at " + remote + " found certificates contradicted by "
                    + "checked adversarial examples (" + String.join("; ", answer.serviceReasons()) + ")");
            spec.commandLine().getErr().flush();
        }
        if (outDir != null) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("model", options.model.toString());
            json.put("remote", remote);
            json.put("gate", gateJson(decision));
            json.put("table", answer.table());
            ReportFiles.writeJson(outDir.resolve("report.json"), json);
            writeChart(outDir, answer.table(), ref);
        }
        if (answer.unsound()) {
            return Main.EXIT_UNSOUND;
        }
        return decision.outcome() == Gate.Outcome.PASS ? 0 : Main.EXIT_FAIL;
    }

    /** What both paths print: the settings, the table and the verdict line. */
    private void print(DatasetRef ref, PgdOptions attack, ErrorTable table, Gate.Decision decision) {
        PrintWriter stdout = spec.commandLine().getOut();
        stdout.println("model " + options.model + ", " + ref + ", attack: " + describe(attack));
        stdout.println(ErrorTableText.render(table));
        stdout.println(String.format(Locale.ROOT, "%s (min verified accuracy %s%s)%s", decision.outcome(),
                minVerifiedAccuracy, maxPgdError == null ? "" : ", max PGD error " + maxPgdError,
                decision.reasons().isEmpty() ? "" : ": " + String.join("; ", decision.reasons())));
        stdout.flush();
    }

    private Map<String, Object> gateJson(Gate.Decision decision) {
        return Map.of("minVerifiedAccuracy", minVerifiedAccuracy, "maxPgdError", maxPgdError == null ? "none" : maxPgdError,
                "outcome", decision.outcome().name(), "reasons", decision.reasons());
    }

    private void writeChart(Path outDir, ErrorTable table, DatasetRef ref) throws UserInputException {
        Path chart = outDir.resolve("errors.png");
        try {
            ErrorChart.write(table, options.model.getFileName() + " on " + ref, chart);
        } catch (IOException e) {
            throw new UserInputException("cannot write " + chart + ": " + InputFiles.describe(e));
        }
    }

    private void writeReport(Path outDir, EvaluationReport report, Gate.Decision decision, DatasetRef ref)
            throws UserInputException {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("model", options.model.toString());
        json.put("gate", gateJson(decision));
        json.put("report", report);
        ReportFiles.writeJson(outDir.resolve("report.json"), json);
        writeChart(outDir, report.table(), ref);
    }

    static String describe(PgdOptions a) {
        return String.format(Locale.ROOT, "%d steps, step %s (%s), %s start, %d restart(s), %s loss%s", a.steps(),
                a.stepSize(), a.schedule().name().toLowerCase(Locale.ROOT), a.randomStart() ? "random" : "clean",
                a.restarts(), a.loss().label(), a.multiTargeted() ? ", multi-targeted" : "");
    }

    private static <T> T parse(String option, java.util.function.Supplier<T> f) {
        try {
            return f.get();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(option + ": " + e.getMessage());
        }
    }
}
