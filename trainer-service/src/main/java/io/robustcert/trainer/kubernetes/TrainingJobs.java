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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * Training on Kubernetes: submit a run or a sweep as Jobs, watch them, read their state, cancel them.
 * Every Job is labelled {@code app.kubernetes.io/managed-by=robustcert-trainer-service}; reads, watches and
 * deletes are restricted to those.
 */
public final class TrainingJobs {
  private final KubernetesClient client;
  private final TrainingJobSettings settings;
  private final TrainingJobFactory factory;
  private final Supplier<String> ids;

  public TrainingJobs(KubernetesClient client, TrainingJobSettings settings) {
    this(client, settings, TrainingJobs::randomId);
  }

  /** {@code ids} supplies the id part of run and sweep names (lowercase alphanumeric, at most 20 characters). */
  TrainingJobs(KubernetesClient client, TrainingJobSettings settings, Supplier<String> ids) {
    this.client = client;
    this.settings = settings;
    this.factory = new TrainingJobFactory(settings);
    this.ids = ids;
  }

  static String randomId() {
    return UUID.randomUUID().toString().replace("-", "").substring(0, 12).toLowerCase(Locale.ROOT);
  }

  /** Submits one run; returns its run id (the Job's name). */
  public String submit(TrainingRequest request) {
    request.validate();
    PodTemplate template = template();
    String runId = "train-" + ids.get();
    create(factory.create(template, runId, null, request));
    return runId;
  }

  /**
   * Submits every run of the grid. All Jobs are built (and the request validated) before the first is
   * created; if a creation fails, the Jobs of this sweep created so far are deleted again.
   */
  public SweepSubmission submitSweep(SweepRequest sweep) {
    List<TrainingRequest> runs = sweep.runs();
    PodTemplate template = template();
    String sweepId = "sweep-" + ids.get();
    List<Job> jobs = new ArrayList<>();
    for (int i = 0; i < runs.size(); i++) {
      jobs.add(factory.create(template, sweepId + "-" + i, sweepId, runs.get(i)));
    }
    List<String> runIds = new ArrayList<>();
    try {
      for (Job job : jobs) {
        create(job);
        runIds.add(job.getMetadata().getName());
      }
    } catch (RuntimeException e) {
      cancelSweep(sweepId);
      throw e;
    }
    return new SweepSubmission(sweepId, runIds);
  }

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
