package io.robustcert.certifier.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.certifier.certify.MethodChoice;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's evaluation plan with every default filled in (issue 6): the run's training ε, the
 * dataset's full test split (the dataset the run trained on, from the provenance, when the plan names
 * none), IBP + CROWN-IBP, sound mode.
 */
public record ResolvedPlan(DatasetSlice dataset, List<Double> epsilons, List<MethodChoice> methods, Precision precision,
                           int shardSize) {

    static final List<BoundMethod> DEFAULT_METHODS = List.of(BoundMethod.BOUND_METHOD_IBP, BoundMethod.BOUND_METHOD_CROWN_IBP);
    private static final ObjectMapper JSON = new ObjectMapper();

    public ResolvedPlan {
        epsilons = List.copyOf(epsilons);
        methods = List.copyOf(methods);
    }

    public ComputeMode mode() {
        return precision == Precision.SOUND ? ComputeMode.COMPUTE_MODE_SOUND : ComputeMode.COMPUTE_MODE_FAST;
    }

    /** The plan the event carries, defaults filled in; PLAN_INVALID names the first bad field. */
    public static ResolvedPlan of(CheckpointCreated event) throws CheckpointException {
        EvaluationPlan plan = event.getPlan();
        DatasetSlice.Builder slice = plan.getDataset().toBuilder();
        if (slice.getDataset().isEmpty()) {
            slice.setDataset(trainedOn(event.getProvenanceJson()));
        }
        if (slice.getSplit().isEmpty()) {
            slice.setSplit("test");
        }
        List<Double> epsilons = plan.getEpsilonsCount() == 0 ? List.of(event.getTrainingEpsilon()) : plan.getEpsilonsList();
        for (int i = 0; i < epsilons.size(); i++) {
            double eps = epsilons.get(i);
            if (!Double.isFinite(eps) || eps < 0) {
                throw new CheckpointException("PLAN_INVALID", (plan.getEpsilonsCount() == 0 ? "training_epsilon"
                        : "plan.epsilons[" + i + "]") + " must be a finite number >= 0, got " + eps);
            }
        }
        List<BoundMethod> wanted = plan.getMethodsCount() == 0 ? DEFAULT_METHODS : plan.getMethodsList();
        List<MethodChoice> methods = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            MethodChoice choice = MethodChoice.of(wanted.get(i), FixedSlopeRule.ADAPTIVE);
            if (choice == null) {
                throw new CheckpointException("PLAN_INVALID", "plan.methods[" + i + "]: unknown bound method "
                        + plan.getMethodsValue(i));
            }
            if (methods.stream().anyMatch(m -> m.wire() == choice.wire())) {
                throw new CheckpointException("PLAN_INVALID", "plan.methods[" + i + "]: " + choice.wire() + " given twice");
            }
            methods.add(choice);
        }
        Precision precision = switch (plan.getMode()) {
            case COMPUTE_MODE_UNSPECIFIED, COMPUTE_MODE_SOUND -> Precision.SOUND;
            case COMPUTE_MODE_FAST -> Precision.FAST;
            default -> throw new CheckpointException("PLAN_INVALID", "plan.mode: unknown compute mode " + plan.getModeValue());
        };
        if (plan.getShardSize() < 0) {
            throw new CheckpointException("PLAN_INVALID", "plan.shard_size must be >= 0, got " + plan.getShardSize());
        }
        return new ResolvedPlan(slice.build(), epsilons, methods, precision, plan.getShardSize());
    }

    /**
     * This plan with every default written out: what a shard work item carries, so that the instance that
     * takes it evaluates exactly what the announcing one planned (the event's training ε and provenance,
     * which filled the defaults, do not travel with it).
     */
    public EvaluationPlan explicit(EvaluationPlan original) {
        return original.toBuilder().setDataset(dataset).clearEpsilons().addAllEpsilons(epsilons).clearMethods()
                .addAllMethods(methods.stream().map(MethodChoice::wire).toList()).setMode(mode()).setShardSize(shardSize)
                .build();
    }

    /** The dataset id of the provenance's {@code dataset.name} ("mnist:train" → "mnist"). */
    private static String trainedOn(String provenanceJson) throws CheckpointException {
        try {
            JsonNode name = provenanceJson.isEmpty() ? null : JSON.readTree(provenanceJson).path("dataset").get("name");
            if (name != null && name.isTextual() && !name.asText().isBlank()) {
                return name.asText().split(":", 2)[0];
            }
        } catch (IOException e) {
            throw new CheckpointException("PLAN_INVALID", "provenance_json is not JSON: " + e.getMessage());
        }
        throw new CheckpointException("PLAN_INVALID", "plan.dataset.dataset is empty and the provenance names no dataset");
    }
}
