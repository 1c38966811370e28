package io.robustcert.trainer.kubernetes;

/** Receives the training Jobs' phase changes, in order per run, on the client's watch thread. */
public interface TrainingJobListener {
  void onStatus(TrainingJobStatus status);

  /** The watch ended for good (fabric8 reconnects by itself; this is called when it cannot). */
  default void onWatchClosed(Exception cause) {}
}
