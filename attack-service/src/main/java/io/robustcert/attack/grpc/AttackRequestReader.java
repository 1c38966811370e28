package io.robustcert.attack.grpc;

import com.google.rpc.BadRequest;
import io.robustcert.attack.flow.AttackSettings;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.v1.AttackRequest;
import io.robustcert.v1.Input;
import io.robustcert.v1.Perturbation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Checks an Attack request field by field; every problem is reported at once (up to a cap). */
final class AttackRequestReader {

    static final int MAX_VIOLATIONS = 50;

    private final List<BadRequest.FieldViolation> violations = new ArrayList<>();

    /** The job, or null when {@link #violations()} is not empty. */
    AttackJob read(AttackRequest request) {
        InputDomain domain = readDomain(request.getPerturbation());
        double eps = request.getPerturbation().getEpsilon() + 0.0;
        if (!request.hasPerturbation()) {
            add("perturbation", "required (at least perturbation.epsilon)");
        } else if (!Double.isFinite(eps) || eps < 0) {
            add("perturbation.epsilon", "must be a finite number >= 0, got " + request.getPerturbation().getEpsilon());
        }
        AttackSettings.problems(request.getAttack(), "attack").forEach(p -> {
            int colon = p.indexOf(": ");
            add(p.substring(0, colon), p.substring(colon + 2));
        });
        Network network = readModel(request);
        if (request.getInputsCount() == 0) {
            add("inputs", "at least one input is required");
        }
        if (request.getLabelsCount() != request.getInputsCount()) {
            add("labels", "has " + request.getLabelsCount() + " labels for " + request.getInputsCount() + " inputs");
        }
        double[][] x = new double[request.getInputsCount()][];
        int[] y = new int[request.getLabelsCount()];
        if (network != null) {
            for (int i = 0; i < x.length; i++) {
                x[i] = readInput(request.getInputs(i), "inputs[" + i + "]", network.inputSize(), domain);
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = request.getLabels(i);
                if (y[i] < 0 || y[i] >= network.numClasses()) {
                    add("labels[" + i + "]", "must be in [0, " + network.numClasses() + "), got " + y[i]);
                }
            }
        }
        if (!violations.isEmpty()) {
            return null;
        }
        return new AttackJob(network, x, y, AttackSettings.at(request.getAttack(), eps).withDomain(domain),
                request.getIncludeAdversarialInputs());
    }

    List<BadRequest.FieldViolation> violations() {
        return List.copyOf(violations);
    }

    private InputDomain readDomain(Perturbation p) {
        if (p.getUnbounded()) {
            if (p.hasDomainLow() || p.hasDomainHigh()) {
                add("perturbation.unbounded", "set together with domain_low/domain_high: choose one");
            }
            return InputDomain.UNBOUNDED;
        }
        double lo = p.hasDomainLow() ? p.getDomainLow() : InputDomain.UNIT.low();
        double hi = p.hasDomainHigh() ? p.getDomainHigh() : InputDomain.UNIT.high();
        if (!Double.isFinite(lo) || !Double.isFinite(hi) || !(lo <= hi)) {
            add("perturbation.domain_high", "the domain must be finite with domain_low <= domain_high, got [" + lo + ", "
                    + hi + "]");
            return InputDomain.UNBOUNDED;
        }
        return new InputDomain(lo, hi);
    }

    private Network readModel(AttackRequest request) {
        if (request.getModel().isEmpty()) {
            add("model", "required: the model in safetensors format");
            return null;
        }
        ModelFile.Format format = switch (request.getModelFormat()) {
            case MODEL_FORMAT_UNSPECIFIED, MODEL_FORMAT_SAFETENSORS -> ModelFile.Format.SAFETENSORS;
            case MODEL_FORMAT_ONNX -> ModelFile.Format.ONNX;
            default -> null;
        };
        if (format == null) {
            add("model_format", "unknown model format (expected MODEL_FORMAT_SAFETENSORS or MODEL_FORMAT_ONNX)");
            return null;
        }
        String architecture = request.getArchitectureJson().isEmpty() ? null : request.getArchitectureJson();
        try {
            return ModelFile.read(request.getModel().newInput(), ModelFile.DEFAULT_MAX_BYTES, architecture, format).network();
        } catch (ModelFormatException | IOException e) {
            add(architecture != null && e.getMessage().startsWith("architecture") ? "architecture_json" : "model",
                    e.getMessage());
            return null;
        }
    }

    private double[] readInput(Input input, String field, long size, InputDomain domain) {
        if (input.getValuesCount() != size) {
            add(field, "has " + input.getValuesCount() + " values, the model takes " + size);
            return null;
        }
        double[] x = new double[input.getValuesCount()];
        for (int j = 0; j < x.length; j++) {
            x[j] = input.getValues(j);
            if (!Double.isFinite(x[j]) || !domain.contains(x[j])) {
                add(field + ".values[" + j + "]", "must be a finite number in the input domain " + domain + ", got " + x[j]);
            }
        }
        return x;
    }

    private void add(String field, String description) {
        if (violations.size() < MAX_VIOLATIONS) {
            violations.add(BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build());
        }
    }
}
