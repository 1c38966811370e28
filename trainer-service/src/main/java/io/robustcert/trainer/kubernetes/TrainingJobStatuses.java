package io.robustcert.trainer.kubernetes;

import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobCondition;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;

/** Reads a training Job's phase from its status conditions and pod counts. */
final class TrainingJobStatuses {
  private TrainingJobStatuses() {}

  static TrainingJobStatus of(Job job, boolean deleted) {
    JobStatus s = job.getStatus() == null ? new JobStatus() : job.getStatus();
    int active = s.getActive() == null ? 0 : s.getActive();
    int failed = s.getFailed() == null ? 0 : s.getFailed();
    TrainingPhase phase = active > 0 ? TrainingPhase.RUNNING : TrainingPhase.PENDING;
    String message = "";
    JobCondition complete = condition(s, "Complete");
    JobCondition failure = condition(s, "Failed");
    if (complete != null) {
      phase = TrainingPhase.SUCCEEDED;
    } else if (failure != null) {
      phase = TrainingPhase.FAILED;
      message = text(failure.getReason()) + (failure.getMessage() == null ? "" : ": " + failure.getMessage());
    } else if (deleted) {
      phase = TrainingPhase.CANCELLED;
      message = "the Job was deleted before it finished";
      active = 0;
    }
    var labels = job.getMetadata().getLabels();
    return new TrainingJobStatus(job.getMetadata().getName(), labels == null ? null : labels.get(TrainingJobFactory.SWEEP_ID),
        phase, active, failed, message);
  }

  private static JobCondition condition(JobStatus s, String type) {
    if (s.getConditions() == null) {
      return null;
    }
    return s.getConditions().stream()
        .filter(c -> type.equals(c.getType()) && "True".equals(c.getStatus())).findFirst().orElse(null);
  }

  private static String text(String s) {
    return s == null ? "" : s;
  }
}
