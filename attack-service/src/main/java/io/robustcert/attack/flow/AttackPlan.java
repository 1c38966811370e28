package io.robustcert.attack.flow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import java.io.IOException;
import java.util.List;

/**
 * The attack half of a checkpoint's plan, defaults filled in (issue 6): the run's training ε, the dataset's
 * full test split (the dataset the run trained on, from the provenance, when the plan names none), the
 * platform's default PGD.
 */
public record AttackPlan(DatasetSlice dataset, List<Double> epsilons, AttackSpec attack, int shardSize) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public AttackPlan {
        epsilons = List.copyOf(epsilons);
    }

    public static AttackPlan of(CheckpointCreated event) throws CheckpointException {
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
            if (!Double.isFinite(epsilons.get(i)) || epsilons.get(i) < 0) {
                throw new CheckpointException("PLAN_INVALID", (plan.getEpsilonsCount() == 0 ? "training_epsilon"
                        : "plan.epsilons[" + i + "]") + " must be a finite number >= 0, got " + epsilons.get(i));
            }
        }
        List<String> problems = AttackSettings.problems(plan.getAttack(), "plan.attack");
        if (!problems.isEmpty()) {
            throw new CheckpointException("PLAN_INVALID", String.join("; ", problems));
        }
        if (plan.getShardSize() < 0) {
            throw new CheckpointException("PLAN_INVALID", "plan.shard_size must be >= 0, got " + plan.getShardSize());
        }
        return new AttackPlan(slice.build(), epsilons, AttackSettings.resolved(plan.getAttack()), plan.getShardSize());
    }

    /**
     * This plan with every default written out: what a shard work item carries, so that the instance that
     * takes it attacks exactly what the announcing one planned.
     */
    public EvaluationPlan explicit(EvaluationPlan original) {
        return original.toBuilder().setDataset(dataset).clearEpsilons().addAllEpsilons(epsilons).setAttack(attack)
                .setShardSize(shardSize).build();
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
