package io.robustcert.trainer.kubernetes;

import io.fabric8.kubernetes.api.model.DeletionPropagation;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.ScalableResource;
import io.robustcert.v1.TrainingSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Training on Kubernetes: submit a run or a sweep as Jobs, watch them, read their state, cancel them.
 * Run and sweep ids come from the caller (the trainer's runs registry), so the API's ids are the Jobs' names.
 * Every Job is labelled {@code app.kubernetes.io/managed-by=robustcert-trainer-service}; reads, watches and
 * deletes are restricted to those.
 */
public final class TrainingJobs {
  private final KubernetesClient client;
  private final TrainingJobSettings settings;
  private final TrainingJobFactory factory;

  public TrainingJobs(KubernetesClient client, TrainingJobSettings settings) {
    this.client = client;
    this.settings = settings;
    this.factory = new TrainingJobFactory(settings);
  }

  /**
   * Submits one run as the Job {@code runId} (a DNS label: lowercase letters, digits and '-', at most 63
   * characters); {@code sweepId} is null for a run of its own. The spec must have been validated.
   */
  public void submit(String runId, String sweepId, TrainingSpec spec) {
    create(factory.create(template(), runId, sweepId, spec));
  }

  /**
   * Submits every run of a sweep (run id → spec). All Jobs are built before the first is created; if a
   * creation fails, the Jobs of this sweep created so far are deleted again, so a sweep is all or nothing.
   */
  public void submitSweep(String sweepId, Map<String, TrainingSpec> runs) {
    PodTemplate template = template();
    List<Job> jobs = new ArrayList<>();
    runs.forEach((runId, spec) -> jobs.add(factory.create(template, runId, sweepId, spec)));
    try {
      jobs.forEach(this::create);
    } catch (RuntimeException e) {
      cancelSweep(sweepId);
      throw e;
    }
  }

  /** Every training Job this code made that still exists, with the spec it carries. */
  public List<SubmittedRun> submitted() {
    List<SubmittedRun> found = new ArrayList<>();
    for (Job job : managed().list().getItems()) {
      factory.specOf(job).ifPresent(spec -> found.add(
          new SubmittedRun(TrainingJobStatuses.of(job, false), spec)));
    }
    return found;
  }

  /** A training Job found on the cluster: its state and the spec it trains. */
  public record SubmittedRun(TrainingJobStatus status, TrainingSpec spec) {}

  /** The current state of a run, if its Job exists. */
  public Optional<TrainingJobStatus> status(String runId) {
    Job job = managed().withLabel(TrainingJobFactory.RUN_ID, runId).list().getItems().stream().findFirst().orElse(null);
    return Optional.ofNullable(job).map(j -> TrainingJobStatuses.of(j, false));
  }

  /** The states of a sweep's runs. */
  public List<TrainingJobStatus> sweepStatus(String sweepId) {
    return managed().withLabel(TrainingJobFactory.SWEEP_ID, sweepId).list().getItems().stream()
        .map(j -> TrainingJobStatuses.of(j, false)).toList();
  }

  /** Relays the phase changes of every training Job; close the returned Watch to stop. */
  public Watch watch(TrainingJobListener listener) {
    return managed().watch(new TrainingJobWatcher(listener));
  }

  /** Relays the phase changes of one run. */
  public Watch watchRun(String runId, TrainingJobListener listener) {
    return managed().withLabel(TrainingJobFactory.RUN_ID, runId).watch(new TrainingJobWatcher(listener));
  }

  /** Relays the phase changes of a sweep's runs. */
  public Watch watchSweep(String sweepId, TrainingJobListener listener) {
    return managed().withLabel(TrainingJobFactory.SWEEP_ID, sweepId).watch(new TrainingJobWatcher(listener));
  }

  /** Deletes a run's Job and its pods; false if there was no such run. */
  public boolean cancel(String runId) {
    return !delete(managed().withLabel(TrainingJobFactory.RUN_ID, runId)).isEmpty();
  }

  /** Deletes the Jobs of a sweep; returns how many were deleted. */
  public int cancelSweep(String sweepId) {
    return delete(managed().withLabel(TrainingJobFactory.SWEEP_ID, sweepId)).size();
  }

  /**
   * Lists, then deletes each Job by name with its pods (background propagation): one delete per Job keeps
   * the RBAC role at list and delete, without deletecollection.
   */
  private List<StatusDetails> delete(FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> jobs) {
    List<StatusDetails> deleted = new ArrayList<>();
    for (Job job : jobs.list().getItems()) {
      deleted.addAll(client.batch().v1().jobs().inNamespace(settings.namespace()).resource(job)
          .withPropagationPolicy(DeletionPropagation.BACKGROUND).delete());
    }
    return deleted;
  }

  private FilterWatchListDeletable<Job, JobList, ScalableResource<Job>> managed() {
    return client.batch().v1().jobs().inNamespace(settings.namespace())
        .withLabel(TrainingJobFactory.MANAGED_BY, TrainingJobFactory.MANAGER);
  }

  private PodTemplate template() {
    PodTemplate template = client.v1().podTemplates().inNamespace(settings.namespace())
        .withName(settings.podTemplateName()).get();
    if (template == null) {
      throw new IllegalStateException("PodTemplate " + settings.podTemplateName() + " not found in namespace "
          + settings.namespace() + " (apply the k8s overlay first)");
    }
    return template;
  }

  private void create(Job job) {
    client.batch().v1().jobs().inNamespace(settings.namespace()).resource(job).create();
  }
}
