package io.robustcert.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.Crown;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.io.LabeledInputs;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.train.GradientSlopeBound;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code robustcert bounds}: lower bounds of the margins z_y − z_j (j ≠ y, ascending) of every input
 * over the L∞ ball of radius ε, as one JSON object on stdout.
 */
@Command(name = "bounds",
        mixinStandardHelpOptions = true,
        description = {
            "Lower-bounds the margins z_y - z_j (j != y, ascending j) of each input over the L-infinity ball of "
                    + "radius EPS, and prints one JSON object: "
                    + "{\"method\", \"eps\", \"mode\", \"slopes\", \"domain\", \"lower\": [[...]], \"verified\": [...]}.",
            "Exit codes: 0 success, 2 bad usage or bad input, 70 internal error."},
        sortOptions = false)
final class BoundsCommand implements Callable<Integer> {

    /** Cap on the inputs file. */
    static final long MAX_INPUT_BYTES = 256L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE",
            description = "Model in safetensors format (nn.Sequential state dict names), or an ONNX file (*.onnx).")
    Path model;

    @Option(names = "--arch", paramLabel = "FILE",
            description = "Architecture JSON, when the model file's metadata has none.")
    Path arch;

    @Option(names = "--inputs", required = true, paramLabel = "FILE",
            description = "JSON {\"inputs\": [[values in C*H*W order], ...], \"labels\": [ints]}.")
    Path inputs;

    @Option(names = "--eps", required = true, paramLabel = "E", description = "Radius of the L-infinity ball (>= 0).")
    double eps;

    @Option(names = "--method", required = true, paramLabel = "ibp|crown-ibp|crown", description = "Bound method.")
    String method;

    @Option(names = "--slopes", defaultValue = "adaptive", paramLabel = "adaptive|zero|one|same|ours",
            description = {"Lower ReLU slope rule of crown-ibp and crown (default: ${DEFAULT-VALUE}).",
                "ours: the paper's rule (random slopes, one signed gradient step on the robust loss; crown-ibp only); "
                        + "sound for any slopes, repeatable with --seed."})
    String slopes;

    @Option(names = "--seed", defaultValue = "2019", paramLabel = "N",
            description = "Seed of the random initial slopes of --slopes ours (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--domain", defaultValue = "0,1", paramLabel = "LO,HI|none",
            description = "Valid input range the ball is clipped to, or none (default: ${DEFAULT-VALUE}).")
    String domain;

    @Option(names = "--mode", defaultValue = "sound", paramLabel = "sound|fast",
            description = "sound: float64 with rigorous rounding; fast: float32 (default: ${DEFAULT-VALUE}).")
    String mode;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "N",
            description = "Inputs bounded at once; bounds do not depend on it (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Override
    public Integer call() throws UserInputException, IOException {
        // Every option is checked before any file is read or any number is computed.
        eps += 0.0; // -0 → 0
        if (!Double.isFinite(eps) || eps < 0) {
            throw usage("--eps must be a finite number >= 0, got " + eps);
        }
        Precision precision;
        FixedSlopeRule rule;
        try {
            precision = Precision.parse(mode);
        } catch (IllegalArgumentException e) {
            throw usage("--mode: " + e.getMessage());
        }
        boolean gradientSlopes = slopes.equals("ours");
        try {
            rule = gradientSlopes ? FixedSlopeRule.ADAPTIVE : FixedSlopeRule.parse(slopes);
        } catch (IllegalArgumentException e) {
            throw usage("--slopes: " + e.getMessage().replace("(expected ", "(expected ours, "));
        }
        if (gradientSlopes && !method.equals("crown-ibp")) {
            throw usage("--slopes ours applies to --method crown-ibp only");
        }
        BoundMethod bound = switch (method) {
            case "ibp" -> new Ibp();
            case "crown-ibp" -> gradientSlopes ? new GradientSlopeBound(seed) : new CrownIbp(rule);
            case "crown" -> new Crown(rule);
            default -> throw usage("--method: unknown method '" + method + "' (expected ibp, crown-ibp or crown)");
        };
        InputDomain inputDomain = parseDomain(domain);
        if (batchSize < 1) {
            throw usage("--batch-size must be >= 1, got " + batchSize);
        }
        LinfBall ball;
        try {
            ball = new LinfBall(eps, inputDomain);
        } catch (IllegalArgumentException e) {
            throw usage("--eps: " + e.getMessage());
        }

        Network network = InputFiles.loadModel(model, arch);
        LabeledInputs data = loadInputs(network);
        checkDomain(data, inputDomain);

        List<double[]> lower = new ArrayList<>(data.size());
        List<Boolean> verified = new ArrayList<>(data.size());
        for (int start = 0; start < data.size(); start += batchSize) {
            int end = (int) Math.min(data.size(), (long) start + batchSize);
            LabeledInputs chunk = new LabeledInputs(Arrays.copyOfRange(data.inputs(), start, end),
                    Arrays.copyOfRange(data.labels(), start, end));
            MarginBounds result;
            try {
                result = bound.compute(network, chunk.tensor(), chunk.labels(), ball, precision);
            } catch (IllegalArgumentException e) {
                throw new UserInputException(e.getMessage());
            }
            lower.addAll(Arrays.asList(result.lowerMatrix()));
            for (boolean v : result.verified()) {
                verified.add(v);
            }
        }

        Map<String, Object> json = new LinkedHashMap<>();
        json.put("method", method);
        json.put("eps", eps);
        json.put("mode", precision.label());
        if (!(bound instanceof Ibp)) {
            json.put("slopes", gradientSlopes ? "ours" : rule.label());
            if (gradientSlopes) {
                json.put("seed", seed);
            }
        }
        json.put("domain", inputDomain.bounded() ? List.of(inputDomain.low(), inputDomain.high()) : "none");
        json.put("lower", lower);
        json.put("verified", verified);
        String text;
        try {
            text = JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the result as JSON", e);
        }
        spec.commandLine().getOut().println(text);
        spec.commandLine().getOut().flush();
        return 0;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private InputDomain parseDomain(String text) {
        String t = text.strip();
        if (t.equalsIgnoreCase("none")) {
            return InputDomain.UNBOUNDED;
        }
        String[] parts = t.split(",", -1);
        if (parts.length != 2) {
            throw usage("--domain must be LO,HI or none, got '" + text + "'");
        }
        double lo;
        double hi;
        try {
            lo = Double.parseDouble(parts[0].strip());
            hi = Double.parseDouble(parts[1].strip());
        } catch (NumberFormatException e) {
            throw usage("--domain must be LO,HI (two numbers) or none, got '" + text + "'");
        }
        if (Double.isNaN(lo) || Double.isNaN(hi) || !(lo <= hi) || lo == Double.POSITIVE_INFINITY
                || hi == Double.NEGATIVE_INFINITY) {
            throw usage("--domain needs LO <= HI, got '" + text + "'");
        }
        try {
            return new InputDomain(lo, hi);
        } catch (IllegalArgumentException e) {
            throw usage("--domain: " + e.getMessage());
        }
    }

    private LabeledInputs loadInputs(Network network) throws UserInputException {
        InputFiles.checkReadable(inputs, "inputs file", MAX_INPUT_BYTES);
        try (InputStream in = new BufferedInputStream(Files.newInputStream(inputs), 1 << 16)) {
            return LabeledInputs.read(in, network.inputSize(), network.numClasses(), MAX_INPUT_BYTES);
        } catch (ModelFormatException e) {
            throw new UserInputException("inputs file " + inputs + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserInputException("cannot read inputs file " + inputs + ": " + InputFiles.describe(e));
        }
    }

    /** Names the first input value outside the domain (core would reject the batch, without the index). */
    private static void checkDomain(LabeledInputs data, InputDomain d) throws UserInputException {
        if (!d.bounded()) {
            return;
        }
        double[][] x = data.inputs();
        for (int i = 0; i < x.length; i++) {
            for (int j = 0; j < x[i].length; j++) {
                if (!d.contains(x[i][j])) {
                    throw new UserInputException("input " + i + " value " + j + " is " + x[i][j]
                            + ", outside the input domain " + d + " (set --domain LO,HI or --domain none)");
                }
            }
        }
    }
}
