package io.robustcert.trainer.kubernetes;

/**
 * One training run: certified training with {@code method} at ε = {@code epsilon} from {@code seed}, on
 * {@code dataset} for {@code epochs} epochs, checkpoints written under {@code checkpointStore} (the root of
 * the content-addressed store, as mounted in the training pod). A null evaluation plan means the platform's
 * defaults.
 */
public record TrainingRequest(String method, double epsilon, long seed, String dataset, int epochs,
    String checkpointStore, EvaluationPlan evaluationPlan) {
  static final int MAX_EPOCHS = 10_000;

  /** Throws InvalidTrainingRequestException listing every invalid field. */
  public void validate() {
    RequestValidation v = new RequestValidation();
    validate(v);
    v.throwIfInvalid();
  }

  void validate(RequestValidation v) {
    v.name("method", method);
    v.epsilon("epsilon", epsilon);
    validateShared(v, dataset, epochs, checkpointStore, evaluationPlan);
  }

  static void validateShared(RequestValidation v, String dataset, int epochs, String store, EvaluationPlan plan) {
    v.name("dataset", dataset);
    v.range("epochs", epochs, 1, MAX_EPOCHS);
    v.store("checkpoint_store", store);
    if (plan != null) {
      plan.validate("evaluation_plan.", v);
    }
  }
}
