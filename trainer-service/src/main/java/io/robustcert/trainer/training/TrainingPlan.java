package io.robustcert.trainer.training;

import io.robustcert.core.train.TrainingConfig;
import io.robustcert.v1.EvaluationPlan;

/** A validated run: core's configuration and the evaluation plan its checkpoints are announced with. */
public record TrainingPlan(TrainingConfig config, EvaluationPlan evaluationPlan) {
}
