package io.robustcert.trainer.kubernetes;

import java.util.List;

/** A submitted sweep: its id (label robustcert.io/sweep-id on every Job) and its runs in grid order. */
public record SweepSubmission(String sweepId, List<String> runIds) {
  public SweepSubmission {
    runIds = List.copyOf(runIds);
  }
}
