package io.robustcert.trainer.kubernetes;

import java.util.ArrayList;
import java.util.List;

/** A grid of runs: every method × every ε × every seed, the other settings shared. */
public record SweepRequest(List<String> methods, List<Double> epsilons, List<Long> seeds, String dataset, int epochs,
    String checkpointStore, EvaluationPlan evaluationPlan) {
  /** A sweep is submitted at once: this bounds the Jobs one request can create. */
  public static final int MAX_RUNS = 256;
  static final int MAX_AXIS = 64;

  public SweepRequest {
    methods = RequestValidation.copy(methods);
    epsilons = RequestValidation.copy(epsilons);
    seeds = RequestValidation.copy(seeds);
  }

  /** The runs in grid order (methods outermost, seeds innermost); InvalidTrainingRequestException if invalid. */
  public List<TrainingRequest> runs() {
    RequestValidation v = new RequestValidation();
    v.nonEmptyDistinct("methods", methods, MAX_AXIS);
    v.nonEmptyDistinct("epsilons", epsilons, MAX_AXIS);
    v.nonEmptyDistinct("seeds", seeds, MAX_AXIS);
    if (v.ok()) {
      for (int i = 0; i < methods.size(); i++) {
        v.name("methods[" + i + "]", methods.get(i));
      }
      for (int i = 0; i < epsilons.size(); i++) {
        v.epsilon("epsilons[" + i + "]", epsilons.get(i));
      }
      long size = (long) methods.size() * epsilons.size() * seeds.size();
      if (size > MAX_RUNS) {
        v.add("methods", "the grid has " + size + " runs; at most " + MAX_RUNS);
      }
    }
    TrainingRequest.validateShared(v, dataset, epochs, checkpointStore, evaluationPlan);
    v.throwIfInvalid();
    List<TrainingRequest> runs = new ArrayList<>();
    for (String method : methods) {
      for (double epsilon : epsilons) {
        for (long seed : seeds) {
          runs.add(new TrainingRequest(method, epsilon, seed, dataset, epochs, checkpointStore, evaluationPlan));
        }
      }
    }
    return runs;
  }
}
