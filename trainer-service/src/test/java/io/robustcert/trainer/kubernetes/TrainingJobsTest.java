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
import com.google.protobuf.InvalidProtocolBufferException;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Submission, watching and cancelling against fabric8's mock API server (CRUD mode: it stores objects). */
@EnableKubernetesMockClient(crud = true)
class TrainingJobsTest {
  private static final String NAMESPACE = "robustcert";
  /** The pod template the manifests deploy (module-relative path: Maven runs tests in trainer-service/). */
  private static final Path TEMPLATE = Path.of("../k8s/base/trainer/job-podtemplate.yaml");
  /** Every field set, a seed above Long.MAX_VALUE and an ε with no short decimal form: all must survive. */
  static final TrainingSpec SPEC = TrainingSpec.newBuilder().setArchitectureJson("mnist_small")
      .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("train").setCount(6000))
      .setMethod(TrainingMethod.TRAINING_METHOD_CROWN_IBP).setEpsilon(2.0 / 255).setEpochs(5).setBatchSize(128)
      .setLearningRate(5e-4).setSeed(-7L).setWarmupEpochs(1).setRampEpochs(3).setCheckpointEveryEpochs(1)
      .setEvaluationPlan(EvaluationPlan.newBuilder().setDataset(DatasetSlice.newBuilder().setDataset("mnist")
          .setSplit("test").setCount(500)).addEpsilons(0.1).addEpsilons(0.3)
          .addMethods(BoundMethod.BOUND_METHOD_IBP).addMethods(BoundMethod.BOUND_METHOD_CROWN_IBP)
          .setAttack(AttackSpec.newBuilder().setPreset(AttackSpec.Preset.PRESET_SPEC_EVALUATION)))
      .build();

  KubernetesClient client;
  private TrainingJobs jobs;

  @BeforeEach
  void deployTemplate() throws Exception {
    PodTemplate template = client.getKubernetesSerialization().unmarshal(Files.readString(TEMPLATE), PodTemplate.class);
    client.v1().podTemplates().inNamespace(NAMESPACE).resource(template).create();
    jobs = new TrainingJobs(client, TrainingJobSettings.defaults(NAMESPACE));
  }

  @Test
  void aRunBecomesAJobFromThePodTemplateWithItsWholeSpec() throws Exception {
    String runId = "train-id1";
    jobs.submit(runId, null, SPEC);
    Job job = client.batch().v1().jobs().inNamespace(NAMESPACE).withName(runId).get();
    assertNotNull(job);
    assertEquals(Map.of("app.kubernetes.io/name", "trainer-job", "app.kubernetes.io/component", "trainer-job",
        TrainingJobFactory.MANAGED_BY, TrainingJobFactory.MANAGER, TrainingJobFactory.RUN_ID, runId,
        TrainingJobFactory.METHOD, "crown-ibp"), job.getMetadata().getLabels());
    assertEquals(Double.toString(2.0 / 255), job.getMetadata().getAnnotations().get(TrainingJobFactory.EPSILON));
    assertEquals("18446744073709551609", job.getMetadata().getAnnotations().get(TrainingJobFactory.SEED));
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
    assertEquals(SPEC, TrainingJobFactory.readSpec(env(trainer, TrainingJobFactory.ENV_SPEC)));
    assertEquals("robustcert-trainer", trainer.getEnv().stream().filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG"))
        .findFirst().orElseThrow().getValueFrom().getSecretKeyRef().getName(), "the Kafka credentials stay");
  }

  @Test
  void aSweepIsOneJobPerRunUnderTheSweepsLabel() throws Exception {
    Map<String, TrainingSpec> runs = new LinkedHashMap<>();
    for (int i = 0; i < 4; i++) {
      runs.put("sweep-id1-" + i, SPEC.toBuilder().setSeed(i).build());
    }
    jobs.submitSweep("sweep-id1", runs);
    List<Job> created = client.batch().v1().jobs().inNamespace(NAMESPACE)
        .withLabel(TrainingJobFactory.SWEEP_ID, "sweep-id1").list().getItems();
    assertEquals(4, created.size());
    Map<String, TrainingSpec> carried = new HashMap<>();
    for (Job job : created) {
      carried.put(job.getMetadata().getName(), TrainingJobFactory.readSpec(
          env(job.getSpec().getTemplate().getSpec().getContainers().get(0), TrainingJobFactory.ENV_SPEC)));
    }
    assertEquals(runs, carried, "every run's own spec");
    assertEquals(4, jobs.sweepStatus("sweep-id1").size());
    assertTrue(jobs.sweepStatus("sweep-id1").stream().allMatch(s -> s.phase() == TrainingPhase.PENDING));
    assertEquals(runs.keySet(), jobs.submitted().stream().map(r -> r.status().runId()).collect(Collectors.toSet()));
    assertTrue(jobs.submitted().stream().allMatch(r -> "sweep-id1".equals(r.status().sweepId())
        && r.spec().equals(runs.get(r.status().runId()))), "found again with their specs");
  }

  @Test
  void aSpecIsReadBackStrictly() {
    InvalidProtocolBufferException e = assertThrows(InvalidProtocolBufferException.class,
        () -> TrainingJobFactory.readSpec("{\"epsilon\": 0.1, \"learningRat\": 0.001}"));
    assertTrue(e.getMessage().contains("learningRat"), e.getMessage());
    assertThrows(InvalidProtocolBufferException.class, () -> TrainingJobFactory.readSpec("{\"method\": \"SGD\"}"));
  }

  @Test
  void theWatchRelaysEachPhaseOnce() throws Exception {
    BlockingQueue<TrainingJobStatus> statuses = new LinkedBlockingQueue<>();
    String runId = "train-id1";
    jobs.submit(runId, null, SPEC);
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
    String runId = "train-id1";
    jobs.submit(runId, null, SPEC);
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
    List<String> runIds = List.of("sweep-id1-0", "sweep-id1-1", "sweep-id1-2");
    Map<String, TrainingSpec> runs = new LinkedHashMap<>();
    runIds.forEach(id -> runs.put(id, SPEC));
    jobs.submitSweep("sweep-id1", runs);
    String other = "train-id2";
    jobs.submit(other, null, SPEC);
    Watch watch = jobs.watchSweep("sweep-id1", statuses::add);
    try {
      for (int i = 0; i < 3; i++) {
        assertEquals(TrainingPhase.PENDING, next(statuses).phase());
      }
      assertTrue(jobs.cancel(runIds.get(0)));
      TrainingJobStatus cancelled = next(statuses);
      assertEquals(runIds.get(0), cancelled.runId());
      assertEquals(TrainingPhase.CANCELLED, cancelled.phase());
      assertEquals("sweep-id1", cancelled.sweepId());
      assertEquals(2, jobs.cancelSweep("sweep-id1"));
      Set<String> rest = Set.of(next(statuses).runId(), next(statuses).runId());
      assertEquals(Set.copyOf(runIds.subList(1, 3)), rest);
    } finally {
      watch.close();
    }
    assertFalse(jobs.cancel(runIds.get(0)), "already gone");
    assertTrue(jobs.status(other).isPresent(), "a run outside the sweep is untouched");
    assertTrue(jobs.status(runIds.get(1)).isEmpty());
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
  void aMissingPodTemplateIsAClearError() {
    client.v1().podTemplates().inNamespace(NAMESPACE).withName("robustcert-trainer-job").delete();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> jobs.submit("train-id1", null, SPEC));
    assertEquals("PodTemplate robustcert-trainer-job not found in namespace robustcert (apply the k8s overlay first)",
        e.getMessage());
  }

  @Test
  void aTemplateWithoutTheTrainingContainerIsAClearError() {
    TrainingJobs other = new TrainingJobs(client, new TrainingJobSettings(NAMESPACE, "robustcert-trainer-job", "learner",
        1, 60, null));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> other.submit("x", null, SPEC));
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
