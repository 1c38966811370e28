package io.robustcert.trainer.kubernetes;

import java.util.List;

/**
 * What is evaluated automatically for every checkpoint of a run (carried into CheckpointCreated).
 *
 * @param datasetSplit e.g. {@code test}
 * @param epsilons the ε at which to certify and attack
 * @param boundMethods e.g. {@code ibp}, {@code crown-ibp}
 * @param attackPreset e.g. {@code pgd-40}
 */
public record EvaluationPlan(String datasetSplit, List<Double> epsilons, List<String> boundMethods, String attackPreset) {
  static final int MAX_ENTRIES = 32;

  public EvaluationPlan {
    epsilons = RequestValidation.copy(epsilons);
    boundMethods = RequestValidation.copy(boundMethods);
  }

  void validate(String prefix, RequestValidation v) {
    v.name(prefix + "dataset_split", datasetSplit);
    v.nonEmptyDistinct(prefix + "epsilons", epsilons, MAX_ENTRIES);
    if (epsilons != null) {
      for (int i = 0; i < epsilons.size(); i++) {
        if (epsilons.get(i) != null) {
          v.epsilon(prefix + "epsilons[" + i + "]", epsilons.get(i));
        }
      }
    }
    v.nonEmptyDistinct(prefix + "bound_methods", boundMethods, MAX_ENTRIES);
    if (boundMethods != null) {
      for (int i = 0; i < boundMethods.size(); i++) {
        v.name(prefix + "bound_methods[" + i + "]", boundMethods.get(i));
      }
    }
    v.name(prefix + "attack_preset", attackPreset);
  }
}
