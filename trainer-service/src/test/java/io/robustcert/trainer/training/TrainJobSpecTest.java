package io.robustcert.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.robustcert.trainer.kubernetes.EvaluationPlan;
import io.robustcert.trainer.kubernetes.TrainingRequest;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a Kubernetes Job's request becomes the TrainingSpec a local run trains. */
class TrainJobSpecTest {

    static final String STORE = "/var/lib/robustcert/checkpoints";

    @Test
    void namesMapToTheApisEnumsAndTheRampFollowsOneWarmUpEpoch() {
        TrainingSpec spec = TrainJob.spec(new TrainingRequest("crown-ibp", 0.3, 5, "mnist", 4, STORE,
                new EvaluationPlan("test", List.of(0.3, 0.4), List.of("ibp", "crown"), "fgsm")));
        assertEquals(TrainingMethod.TRAINING_METHOD_CROWN_IBP, spec.getMethod());
        assertEquals(0.3, spec.getEpsilon());
        assertEquals(5, spec.getSeed());
        assertEquals(4, spec.getEpochs());
        assertEquals(1, spec.getWarmupEpochs());
        assertEquals(2, spec.getRampEpochs());
        assertEquals("mnist", spec.getEvaluationPlan().getDataset().getDataset());
        assertEquals("test", spec.getEvaluationPlan().getDataset().getSplit());
        assertEquals(List.of(0.3, 0.4), spec.getEvaluationPlan().getEpsilonsList());
        assertEquals(List.of(BoundMethod.BOUND_METHOD_IBP, BoundMethod.BOUND_METHOD_CROWN), spec.getEvaluationPlan().getMethodsList());
        assertEquals(AttackSpec.Preset.PRESET_FGSM, spec.getEvaluationPlan().getAttack().getPreset());
        assertEquals(0, TrainJob.spec(new TrainingRequest("ibp", 0.1, 1, "mnist", 1, STORE, null)).getWarmupEpochs());
    }

    @Test
    void unknownNamesAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrainJob.spec(new TrainingRequest("ibp",
                0.1, 1, "mnist", 2, STORE, new EvaluationPlan("test", List.of(0.1), List.of("ibp"), "pgd-7"))));
        assertEquals("evaluation_plan.attack_preset must be one of", e.getMessage().substring(0, 44));
    }
}
