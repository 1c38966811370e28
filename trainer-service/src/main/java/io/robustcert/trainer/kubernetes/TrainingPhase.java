package io.robustcert.trainer.kubernetes;

/** Where a training Job stands. SUCCEEDED, FAILED and CANCELLED are final. */
public enum TrainingPhase {
  /** Created; no pod running yet (scheduling, pulling the image, waiting for a GPU). */
  PENDING,
  /** A pod of the Job is running. */
  RUNNING,
  SUCCEEDED,
  /** The Job gave up (backoff limit or deadline); the status message says why. */
  FAILED,
  /** Deleted before it finished (CancelTraining, or someone deleted the Job). */
  CANCELLED;

  public boolean isFinal() {
    return this == SUCCEEDED || this == FAILED || this == CANCELLED;
  }
}
