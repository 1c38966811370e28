package io.robustcert.trainer.kubernetes;

/**
 * A training Job's state as relayed to listeners.
 *
 * @param runId the run (also the Job's name)
 * @param sweepId the sweep it belongs to, or null
 * @param phase where it stands
 * @param active pods running now
 * @param failedPods pods that failed so far (retried up to the backoff limit)
 * @param message the reason and message of the Job's final condition, or empty
 */
public record TrainingJobStatus(String runId, String sweepId, TrainingPhase phase, int active, int failedPods,
    String message) {}
