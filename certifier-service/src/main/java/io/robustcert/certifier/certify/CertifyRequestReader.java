package io.robustcert.certifier.certify;

import com.google.protobuf.ByteString;
import io.robustcert.certifier.config.CertifierConfig;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifyRequest;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.Input;
import io.robustcert.v1.ModelFormat;
import io.robustcert.v1.Perturbation;
import io.robustcert.v1.SlopeRule;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Checks a Certify request and turns it into a {@link CertifyJob}. Every field is checked and every
 * violation reported at once, with its field path ({@code perturbation.epsilon}, {@code inputs[3]},
 * {@code labels[0]}); the model file is parsed by core's {@link ModelFile}, whose message names the problem.
 */
@ApplicationScoped
public class CertifyRequestReader {

    /** What an empty {@code methods} means. */
    static final List<BoundMethod> DEFAULT_METHODS = List.of(BoundMethod.BOUND_METHOD_IBP, BoundMethod.BOUND_METHOD_CROWN_IBP);

    private final CertifierConfig config;

    public CertifyRequestReader(CertifierConfig config) {
        this.config = config;
    }

    public CertifyJob read(CertifyRequest request) throws InvalidRequestException, TooMuchWorkException {
        if (request.getInputsCount() > config.maxInputs()) {
            throw new TooMuchWorkException("TOO_MANY_INPUTS", "the request has " + request.getInputsCount()
                    + " inputs; this certifier takes at most " + config.maxInputs() + " per request",
                    request.getInputsCount(), config.maxInputs());
        }
        Violations v = new Violations();
        checkRequestId(request.getRequestId(), v);
        LinfBall ball = readPerturbation(request, v);
        Precision precision = readMode(request.getMode(), request.getModeValue(), v);
        FixedSlopeRule rule = readSlopeRule(request.getSlopeRule(), request.getSlopeRuleValue(), v);
        List<MethodChoice> methods = readMethods(request, rule, v);
        Network network = readModel(request.getModel(), request.getArchitectureJson(), request.getModelFormat(), v);
        if (request.getInputsCount() == 0) {
            v.add("inputs", "at least one input is required");
        }
        if (request.getLabelsCount() != request.getInputsCount()) {
            v.add("labels", "has " + request.getLabelsCount() + " labels for " + request.getInputsCount() + " inputs");
        }
        double[][] inputs = null;
        int[] labels = null;
        if (network != null) {
            inputs = readInputs(request, network.inputSize(), ball, v);
            labels = readLabels(request, network.numClasses(), v);
        }
        v.throwIfAny();
        return new CertifyJob(network, inputs, labels, ball, methods, precision);
    }

    public static void checkRequestId(String id, Violations v) {
        if (id.isEmpty()) {
            return;
        }
        try {
            UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            v.add("request_id", "must be a UUID, got '" + abbreviate(id) + "'");
        }
    }

    private static LinfBall readPerturbation(CertifyRequest request, Violations v) {
        if (!request.hasPerturbation()) {
            v.add("perturbation", "required (at least perturbation.epsilon)");
            return null;
        }
        Perturbation p = request.getPerturbation();
        boolean ok = true;
        double eps = p.getEpsilon() + 0.0; // -0 → 0
        if (!Double.isFinite(eps) || eps < 0) {
            v.add("perturbation.epsilon", "must be a finite number >= 0, got " + p.getEpsilon());
            ok = false;
        }
        InputDomain domain = InputDomain.UNBOUNDED;
        if (p.getUnbounded()) {
            if (p.hasDomainLow() || p.hasDomainHigh()) {
                v.add("perturbation.unbounded", "set together with domain_low/domain_high: choose one");
                ok = false;
            }
        } else {
            double lo = p.hasDomainLow() ? p.getDomainLow() : InputDomain.UNIT.low();
            double hi = p.hasDomainHigh() ? p.getDomainHigh() : InputDomain.UNIT.high();
            if (!Double.isFinite(lo)) {
                v.add("perturbation.domain_low", "must be a finite number, got " + lo);
                ok = false;
            }
            if (!Double.isFinite(hi)) {
                v.add("perturbation.domain_high", "must be a finite number, got " + hi);
                ok = false;
            }
            if (ok && !(lo <= hi)) {
                v.add("perturbation.domain_high", "must be >= domain_low (" + lo + "), got " + hi);
                ok = false;
            }
            domain = ok ? new InputDomain(lo, hi) : null;
        }
        if (!ok) {
            return null;
        }
        try {
            return new LinfBall(eps, domain);
        } catch (IllegalArgumentException e) {
            v.add("perturbation", e.getMessage());
            return null;
        }
    }

    static Precision readMode(ComputeMode mode, int raw, Violations v) {
        return switch (mode) {
            case COMPUTE_MODE_UNSPECIFIED, COMPUTE_MODE_SOUND -> Precision.SOUND;
            case COMPUTE_MODE_FAST -> Precision.FAST;
            case UNRECOGNIZED -> {
                v.add("mode", "unknown compute mode " + raw);
                yield null;
            }
        };
    }

    static FixedSlopeRule readSlopeRule(SlopeRule rule, int raw, Violations v) {
        return switch (rule) {
            case SLOPE_RULE_UNSPECIFIED, SLOPE_RULE_ADAPTIVE -> FixedSlopeRule.ADAPTIVE;
            case SLOPE_RULE_ZERO -> FixedSlopeRule.ZERO;
            case SLOPE_RULE_ONE -> FixedSlopeRule.ONE;
            case SLOPE_RULE_SAME -> FixedSlopeRule.SAME;
            case UNRECOGNIZED -> {
                v.add("slope_rule", "unknown slope rule " + raw);
                yield null;
            }
        };
    }

    private static List<MethodChoice> readMethods(CertifyRequest request, FixedSlopeRule rule, Violations v) {
        List<BoundMethod> wanted = request.getMethodsCount() == 0 ? DEFAULT_METHODS : request.getMethodsList();
        List<MethodChoice> out = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            BoundMethod m = wanted.get(i);
            MethodChoice choice = rule == null ? null : MethodChoice.of(m, rule);
            if (choice != null) {
                out.add(choice);
            } else if (m == BoundMethod.BOUND_METHOD_UNSPECIFIED || m == BoundMethod.UNRECOGNIZED) {
                v.add("methods[" + i + "]", "unknown bound method " + request.getMethodsValue(i)
                        + " (expected BOUND_METHOD_IBP, BOUND_METHOD_CROWN_IBP or BOUND_METHOD_CROWN)");
            }
        }
        return out;
    }

    static Network readModel(ByteString model, String architectureJson, ModelFormat format, Violations v) {
        if (model.isEmpty()) {
            v.add("model", "required: the model in safetensors format");
            return null;
        }
        ModelFile.Format f = switch (format) {
            case MODEL_FORMAT_UNSPECIFIED, MODEL_FORMAT_SAFETENSORS -> ModelFile.Format.SAFETENSORS;
            case MODEL_FORMAT_ONNX -> ModelFile.Format.ONNX;
            default -> null;
        };
        if (f == null) {
            v.add("model_format", "unknown model format (expected MODEL_FORMAT_SAFETENSORS or MODEL_FORMAT_ONNX)");
            return null;
        }
        String architecture = architectureJson.isEmpty() ? null : architectureJson;
        try {
            return ModelFile.read(model.newInput(), ModelFile.DEFAULT_MAX_BYTES, architecture, f).network();
        } catch (ModelFormatException e) {
            String message = e.getMessage();
            boolean aboutArchitecture = architecture != null && message.startsWith("architecture");
            v.add(aboutArchitecture ? "architecture_json" : "model", message);
            return null;
        } catch (IOException e) {
            // The bytes are in memory: only a malformed stream gets here.
            v.add("model", "cannot read the model: " + e.getMessage());
            return null;
        }
    }

    private static double[][] readInputs(CertifyRequest request, long inputSize, LinfBall ball, Violations v) {
        double[][] x = new double[request.getInputsCount()][];
        InputDomain domain = ball == null ? InputDomain.UNBOUNDED : ball.domain();
        for (int i = 0; i < x.length; i++) {
            Input input = request.getInputs(i);
            if (input.getValuesCount() != inputSize) {
                v.add("inputs[" + i + "]", "has " + input.getValuesCount() + " values, the model takes " + inputSize);
                continue;
            }
            x[i] = new double[input.getValuesCount()];
            for (int j = 0; j < x[i].length; j++) {
                double value = input.getValues(j);
                if (!Double.isFinite(value)) {
                    v.add("inputs[" + i + "].values[" + j + "]", "must be a finite number, got " + value);
                } else if (!domain.contains(value)) {
                    v.add("inputs[" + i + "].values[" + j + "]", "lies outside the input domain " + domain + ": " + value);
                }
                x[i][j] = value;
            }
        }
        return x;
    }

    private static int[] readLabels(CertifyRequest request, int classes, Violations v) {
        int[] y = new int[request.getLabelsCount()];
        for (int i = 0; i < y.length; i++) {
            y[i] = request.getLabels(i);
            if (y[i] < 0 || y[i] >= classes) {
                v.add("labels[" + i + "]", "must be in [0, " + classes + "), got " + y[i]);
            }
        }
        return y;
    }

    private static String abbreviate(String s) {
        return s.length() <= 64 ? s : s.substring(0, 64) + "...";
    }
}
