package io.robustcert.trainer.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submission, watching and cancelling against fabric8's mock API server (CRUD mode: it stores objects). */
@EnableKubernetesMockClient(crud = true)
class TrainingJobsTest {
  private static final String NAMESPACE = "robustcert";
  /** The pod template the manifests deploy (module-relative path: Maven runs tests in trainer-service/). */
  private static final Path TEMPLATE = Path.of("../k8s/base/trainer/job-podtemplate.yaml");
  private static final EvaluationPlan PLAN = new EvaluationPlan("test", List.of(0.1, 0.3), List.of("ibp", "crown-ibp"), "pgd-40");
  private static final TrainingRequest REQUEST =
      new TrainingRequest("crown-ibp", 0.3, 7, "mnist", 5, "/var/lib/robustcert/checkpoints", PLAN);

  KubernetesClient client;
  private TrainingJobs jobs;
  private final AtomicInteger nextId = new AtomicInteger();

  @BeforeEach
  void deployTemplate() throws Exception {
    PodTemplate template = client.getKubernetesSerialization().unmarshal(Files.readString(TEMPLATE), PodTemplate.class);
    client.v1().podTemplates().inNamespace(NAMESPACE).resource(template).create();
    jobs = new TrainingJobs(client, TrainingJobSettings.defaults(NAMESPACE), () -> "id" + nextId.incrementAndGet());
  }

  @Test
  void aRunBecomesAJobFromThePodTemplateWithItsRequest() throws Exception {
    String runId = jobs.submit(REQUEST);
    assertEquals("train-id1", runId);
    Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(runId).get();
    assertNotNull(job);
    assertEquals(Map.of("app.kubernetes.io/name", "trainer-job", "app.kubernetes.io/component", "trainer-job",
        TrainingJobFactory.MANAGED_BY, TrainingJobFactory.MANAGER, TrainingJobFactory.RUN_ID, runId,
        TrainingJobFactory.METHOD, "crown-ibp"), job.getMetadata().getLabels());
    assertEquals("0.3", job.getMetadata().getAnnotations().get(TrainingJobFactory.EPSILON));
    assertEquals("7", job.getMetadata().getAnnotations().get(TrainingJobFactory.SEED));
    assertEquals(3, job.getSpec().getBackoffLimit());
    assertEquals(86_400, job.getSpec().getTtlSecondsAfterFinished());

    var pod = job.getSpec().getTemplate();
    assertEquals("true", pod.getMetadata().getLabels().get("robustcert.io/kafka-client"), "the template's labels stay");
    assertEquals(runId, pod.getMetadata().getLabels().get(TrainingJobFactory.RUN_ID));
    assertEquals("OnFailure", pod.getSpec().getRestartPolicy());
    assertEquals(Boolean.TRUE, pod.getSpec().getSecurityContext().getRunAsNonRoot());
    Container trainer = pod.getSpec().getContainers().get(0);
    assertEquals("robustcert/trainer-service:0.1.0", trainer.getImage());
    assertEquals(new Quantity("8Gi"), trainer.getResources().getLimits().get("memory"));
    assertEquals(Boolean.TRUE, trainer.getSecurityContext().getReadOnlyRootFilesystem());
    assertEquals(runId, env(trainer, TrainingJobFactory.ENV_RUN_ID));
    assertEquals(REQUEST, TrainingJobFactory.readRequest(env(trainer, TrainingJobFactory.ENV_REQUEST)));
    assertEquals("robustcert-trainer", trainer.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG"))
        .findFirst().orElseThrow().getValueFrom().getSecretKeyRef().getName(), "the Kafka credentials stay");
  }

  @Test
  void aSweepIsTheWholeGridOneJobEach() throws Exception {
    SweepRequest sweep = new SweepRequest(List.of("ibp", "crown-ibp"), List.of(0.1, 0.3), List.of(1L, 2L), "mnist", 3,
        "/var/lib/robustcert/checkpoints", null);
    SweepSubmission submission = jobs.submitSweep(sweep);
    assertEquals("sweep-id1", submission.sweepId());
    assertEquals(8, submission.runIds().size());
    List<Job> created = client.batch().v1().jobs().inNamespace(NAMESPACE)
        .withLabel(TrainingJobFactory.SWEEP_ID, submission.sweepId()).list().getItems();
    assertEquals(8, created.size());
    Set<TrainingRequest> requests = new HashSet<>();
    for (Job job : created) {
      requests.add(TrainingJobFactory.readRequest(env(job.getSpec().getTemplate().getSpec().getContainers().get(0),
          TrainingJobFactory.ENV_REQUEST)));
    }
    assertEquals(Set.copyOf(sweep.runs()), requests, "every (method, ε, seed) exactly once");
    assertEquals(8, jobs.sweepStatus(submission.sweepId()).size());
    assertTrue(jobs.sweepStatus(submission.sweepId()).stream().allMatch(s -> s.phase() == TrainingPhase.PENDING));
  }

  @Test
  void theWatchRelaysEachPhaseOnce() throws Exception {
    BlockingQueue<TrainingJobStatus> statuses = new LinkedBlockingQueue<>();
    String runId = jobs.submit(REQUEST);
    Watch watch = jobs.watchRun(runId, statuses::add);
    try {
      assertEquals(TrainingPhase.PENDING, next(statuses).phase());
      setStatus(runId, new JobStatusBuilder().withActive(1).build());
      TrainingJobStatus running = next(statuses);
      assertEquals(new TrainingJobStatus(runId, null, TrainingPhase.RUNNING, 1, 0, ""), running);
      setStatus(runId, new JobStatusBuilder().withActive(1).build());
      setStatus(runId, new JobStatusBuilder().withActive(0).withSucceeded(1).withConditions(new JobConditionBuilder()
          .withType("Complete").withStatus("True").build()).build());
      assertEquals(TrainingPhase.SUCCEEDED, next(statuses).phase(), "the unchanged RUNNING write is not relayed");
      jobs.cancel(runId);
      assertEquals(null, statuses.poll(1, TimeUnit.SECONDS), "nothing after a final phase");
    } finally {
      watch.close();
    }
    assertTrue(jobs.status(runId).isEmpty(), "deleted");
  }

  @Test
  void aFailedJobIsRelayedWithItsReason() throws Exception {
    BlockingQueue<TrainingJobStatus> statuses = new LinkedBlockingQueue<>();
    String runId = jobs.submit(REQUEST);
    Watch watch = jobs.watch(statuses::add);
    try {
      assertEquals(TrainingPhase.PENDING, next(statuses).phase());
      setStatus(runId, new JobStatusBuilder().withFailed(4).withConditions(new JobConditionBuilder().withType("Failed")
          .withStatus("True").withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
          .build()).build());
      TrainingJobStatus failed = next(statuses);
      assertEquals(TrainingPhase.FAILED, failed.phase());
      assertEquals(4, failed.failedPods());
      assertEquals("BackoffLimitExceeded: Job has reached the specified backoff limit", failed.message());
    } finally {
      watch.close();
    }
    assertEquals(TrainingPhase.FAILED, jobs.status(runId).orElseThrow().phase());
  }

  @Test
  void cancellingDeletesTheJobsAndIsRelayed() throws Exception {
    BlockingQueue<TrainingJobStatus> statuses = new LinkedBlockingQueue<>();
    SweepSubmission sweep = jobs.submitSweep(new SweepRequest(List.of("ibp"), List.of(0.1, 0.2, 0.3), List.of(0L),
        "mnist", 1, "/var/lib/robustcert/checkpoints", null));
    String other = jobs.submit(REQUEST);
    Watch watch = jobs.watchSweep(sweep.sweepId(), statuses::add);
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(TrainingPhase.PENDING, next(statuses).phase());
      }
      assertTrue(jobs.cancel(sweep.runIds().get(0)));
      TrainingJobStatus cancelled = next(statuses);
      assertEquals(sweep.runIds().get(0), cancelled.runId());
      assertEquals(TrainingPhase.CANCELLED, cancelled.phase());
      assertEquals(sweep.sweepId(), cancelled.sweepId());
      assertEquals(2, jobs.cancelSweep(sweep.sweepId()));
      Set<String> rest = Set.of(next(statuses).runId(), next(statuses).runId());
      assertEquals(Set.copyOf(sweep.runIds().subList(1, 3)), rest);
    } finally {
      watch.close();
    }
    assertFalse(jobs.cancel(sweep.runIds().get(0)), "already gone");
    assertTrue(jobs.status(other).isPresent(), "a run outside the sweep is untouched");
    assertTrue(jobs.status(sweep.runIds().get(1)).isEmpty());
  }

  @Test
  void jobsThisCodeDidNotMakeAreNeitherWatchedNorCancelled() throws Exception {
    Job foreign = client.batch().v1().jobs().inNamespace(NAMESPACE).resource(new io.fabric8.kubernetes.api.model.batch.v1.JobBuilder()
        .withNewMetadata().withName("someone-elses").addToLabels(TrainingJobFactory.RUN_ID, "someone-elses").endMetadata()
        .withNewSpec().withTemplate(client.v1().podTemplates().inNamespace(NAMESPACE).withName("robustcert-trainer-job")
            .get().getTemplate()).endSpec().build()).create();
    assertFalse(jobs.cancel(foreign.getMetadata().getName()));
    assertTrue(jobs.status("someone-elses").isEmpty());
    assertNotNull(client.batch().v1().jobs().inNamespace(NAMESPACE).withName("someone-elses").get());
  }

  @Test
  void invalidRequestsCreateNothingAndNameEveryBadField() {
    TrainingRequest bad = new TrainingRequest("CROWN IBP", Double.NaN, 1, "", 0, "/var/lib/../etc",
        new EvaluationPlan("test", List.of(-0.1), List.of(), "pgd-40"));
    InvalidTrainingRequestException e = assertThrows(InvalidTrainingRequestException.class, () -> jobs.submit(bad));
    assertEquals(List.of("method", "epsilon", "dataset", "epochs", "checkpoint_store", "evaluation_plan.epsilons[0]",
        "evaluation_plan.bound_methods"), e.violations().stream().map(FieldViolation::field).toList());
    assertTrue(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().isEmpty());
  }

  @Test
  void aMissingPodTemplateIsAClearError() {
    client.v1().podTemplates().inNamespace(NAMESPACE).withName("robustcert-trainer-job").delete();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> jobs.submit(REQUEST));
    assertEquals("PodTemplate robustcert-trainer-job not found in namespace robustcert (apply the k8s overlay first)",
        e.getMessage());
  }

  @Test
  void aTemplateWithoutTheTrainingContainerIsAClearError() {
    TrainingJobs other = new TrainingJobs(client, new TrainingJobSettings(NAMESPACE, "robustcert-trainer-job", "learner",
        1, 60, null), () -> "x");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.submit(REQUEST));
    assertEquals("PodTemplate robustcert-trainer-job has no container named learner", e.getMessage());
  }

  private void setStatus(String runId, io.fabric8.kubernetes.api.model.batch.v1.JobStatus status) {
    Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(runId).get();
    job.setStatus(status);
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).updateStatus();
  }

  private static TrainingJobStatus next(BlockingQueue<TrainingJobStatus> statuses) throws InterruptedException {
    TrainingJobStatus status = statuses.poll(10, TimeUnit.SECONDS);
    assertNotNull(status, "no status relayed within 10 s");
    return status;
  }

  private static String env(Container container, String name) {
    return container.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().orElseThrow().getValue();
  }
}
