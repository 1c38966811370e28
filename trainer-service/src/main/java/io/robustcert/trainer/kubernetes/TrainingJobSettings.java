package io.robustcert.trainer.kubernetes;

/**
 * Where and how training Jobs are made.
 *
 * @param namespace the namespace of the Jobs and of the pod template
 * @param podTemplateName the PodTemplate the Jobs' pods are made from (k8s: robustcert-trainer-job)
 * @param containerName the container of that template that trains and receives the request
 * @param backoffLimit pod failures a Job retries before it fails
 * @param ttlSecondsAfterFinished how long a finished Job (and its pod logs) stays before Kubernetes deletes it
 * @param activeDeadlineSeconds the longest a Job may run, or null for no limit
 */
public record TrainingJobSettings(String namespace, String podTemplateName, String containerName, int backoffLimit,
    int ttlSecondsAfterFinished, Long activeDeadlineSeconds) {
  public TrainingJobSettings {
    if (namespace == null || namespace.isBlank() || podTemplateName == null || podTemplateName.isBlank()
        || containerName == null || containerName.isBlank()) {
      throw new IllegalArgumentException("namespace, podTemplateName and containerName are required");
    }
    if (backoffLimit < 0 || ttlSecondsAfterFinished < 0 || (activeDeadlineSeconds != null && activeDeadlineSeconds <= 0)) {
      throw new IllegalArgumentException("backoffLimit and ttlSecondsAfterFinished must be >= 0,"
          + " activeDeadlineSeconds > 0 when given");
    }
  }

  /** The manifests' names, three retries, finished Jobs kept a day. */
  public static TrainingJobSettings defaults(String namespace) {
    return new TrainingJobSettings(namespace, "robustcert-trainer-job", "trainer", 3, 86_400, null);
  }
}
