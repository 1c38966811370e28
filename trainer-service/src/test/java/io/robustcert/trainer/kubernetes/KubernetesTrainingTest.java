package io.robustcert.trainer.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.robustcert.trainer.config.TrainerConfig;
import io.robustcert.trainer.training.RunNotStartedException;
import io.robustcert.trainer.training.Sweep;
import io.robustcert.trainer.training.TrainingRun;
import io.robustcert.trainer.training.TrainingRuns;
import io.robustcert.trainer.training.TrainingSpecReader;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The trainer's runs registry in Kubernetes mode against fabric8's mock API server (CRUD mode): StartTraining
 * and StartSweep become Jobs, the Jobs' phases and announced checkpoints reach the runs the API reads, cancel
 * deletes the Job, and a restarted trainer adopts the Jobs it finds. The mock server plays the Job controller
 * (status writes); the checkpoint announcements are handed in as the Kafka follower would.
 */
@EnableKubernetesMockClient(crud = true)
class KubernetesTrainingTest {
  private static final String NAMESPACE = "robustcert";
  private static final Path TEMPLATE = Path.of("../k8s/base/trainer/job-podtemplate.yaml");
  private static final TrainingSpec SPEC = TrainingSpec.newBuilder()
      .setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("train").setCount(256))
      .setMethod(TrainingMethod.TRAINING_METHOD_IBP).setEpsilon(0.1).setEpochs(2).setBatchSize(64)
      .setLearningRate(1e-3).setSeed(3).setWarmupEpochs(1).setRampEpochs(1).setCheckpointEveryEpochs(1).build();

  KubernetesClient client;
  private final List<Consumer<CheckpointCreated>> followers = new CopyOnWriteArrayList<>();
  private final List<KubernetesRunExecutor> executors = new CopyOnWriteArrayList<>();

  @BeforeEach
  void deployTemplate() throws Exception {
    PodTemplate template = client.getKubernetesSerialization().unmarshal(Files.readString(TEMPLATE), PodTemplate.class);
    client.v1().podTemplates().inNamespace(NAMESPACE).resource(template).create();
  }

  @AfterEach
  void stopTrainers() {
    executors.forEach(KubernetesRunExecutor::close);
  }

  /** A trainer instance as the service wires it in Kubernetes mode. */
  private TrainingRuns trainer() {
    KubernetesRunExecutor executor = new KubernetesRunExecutor(new TrainingJobs(client, TrainingJobSettings.defaults(NAMESPACE)),
        sink -> {
          followers.add(sink);
          return () -> followers.remove(sink);
        });
    executors.add(executor);
    return new TrainingRuns(new TrainingSpecReader(config()), executor);
  }

  @Test
  void aRunIsAJobWhosePhasesAndCheckpointsReachTheRun() throws Exception {
    TrainingRuns trainer = trainer();
    TrainingRun run = trainer.start("", SPEC);
    Job job = job(run.id());
    assertNotNull(job, "StartTraining made the Job named after the run");
    assertEquals(SPEC, TrainingJobFactory.readSpec(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
        .stream().filter(e -> e.getName().equals(TrainingJobFactory.ENV_SPEC)).findFirst().orElseThrow().getValue()));
    BlockingQueue<TrainingProgress> seen = new LinkedBlockingQueue<>();
    assertTrue(run.watch(seen::add));
    assertEquals(TrainingState.TRAINING_STATE_QUEUED, next(seen).getState(), "the Job waits for a node");

    setStatus(run.id(), new JobStatusBuilder().withActive(1).build());
    assertEquals(TrainingState.TRAINING_STATE_RUNNING, next(seen).getState());

    CheckpointRef first = ref(run.id() + "-epoch-1");
    announce(run.id(), first, 1, 4);
    TrainingProgress p = next(seen);
    assertEquals(first, p.getLastCheckpoint());
    assertEquals(1, p.getEpoch());
    announce(run.id(), first, 1, 4);
    announce("training-someone-else", ref("training-someone-else-epoch-1"), 1, 4);
    CheckpointRef second = ref(run.id() + "-epoch-2");
    announce(run.id(), second, 2, 8);
    assertEquals(second, next(seen).getLastCheckpoint());
    assertEquals(List.of(first, second), trainer.checkpoints(run.id()).stream().map(CheckpointSummary::getCheckpoint).toList(),
        "each checkpoint once, only the run's own");

    setStatus(run.id(), new JobStatusBuilder().withActive(0).withSucceeded(1).withConditions(new JobConditionBuilder()
        .withType("Complete").withStatus("True").build()).build());
    assertEquals(TrainingState.TRAINING_STATE_SUCCEEDED, next(seen).getState());
    assertEquals(List.of(first, second), run.result().getCheckpointsList());
  }

  @Test
  void aFailedJobFailsTheRunWithTheJobsReason() throws Exception {
    TrainingRun run = trainer().start("", SPEC);
    setStatus(run.id(), new JobStatusBuilder().withFailed(4).withConditions(new JobConditionBuilder().withType("Failed")
        .withStatus("True").withReason("BackoffLimitExceeded").withMessage("Job has reached the specified backoff limit")
        .build()).build());
    awaitState(run, TrainingState.TRAINING_STATE_FAILED);
    assertEquals("the training Job failed: BackoffLimitExceeded: Job has reached the specified backoff limit", run.failure());
  }

  @Test
  void aSweepIsOneJobPerRunAndCancellingItDeletesThem() throws Exception {
    TrainingRuns trainer = trainer();
    Sweep sweep = trainer.startSweep(StartSweepRequest.newBuilder().setBase(SPEC)
        .addMethods(TrainingMethod.TRAINING_METHOD_IBP).addMethods(TrainingMethod.TRAINING_METHOD_CROWN_IBP)
        .addEpsilons(0.1).addEpsilons(0.3).build());
    assertEquals(4, sweep.runs().size());
    List<Job> jobs = client.batch().v1().jobs().inNamespace(NAMESPACE).withLabel(TrainingJobFactory.SWEEP_ID, sweep.id())
        .list().getItems();
    assertEquals(sweep.runs().stream().map(TrainingRun::id).sorted().toList(),
        jobs.stream().map(j -> j.getMetadata().getName()).sorted().toList());
    assertEquals(List.of("crown-ibp", "crown-ibp", "ibp", "ibp"),
        jobs.stream().map(j -> j.getMetadata().getLabels().get(TrainingJobFactory.METHOD)).sorted().toList());

    setStatus(sweep.runs().get(0).id(), new JobStatusBuilder().withActive(0).withSucceeded(1)
        .withConditions(new JobConditionBuilder().withType("Complete").withStatus("True").build()).build());
    awaitState(sweep.runs().get(0), TrainingState.TRAINING_STATE_SUCCEEDED);
    trainer.cancel(sweep.runs().subList(1, 4));
    for (TrainingRun r : sweep.runs().subList(1, 4)) {
      awaitState(r, TrainingState.TRAINING_STATE_CANCELLED);
      assertEquals(null, job(r.id()), "its Job is deleted");
    }
    assertNotNull(job(sweep.runs().get(0).id()), "a finished run's Job is left to its TTL");
    assertTrue(sweep.done());
  }

  @Test
  void aRestartedTrainerAdoptsTheJobsItFinds() throws Exception {
    TrainingRuns before = trainer();
    TrainingRun single = before.start("", SPEC);
    Sweep sweep = before.startSweep(StartSweepRequest.newBuilder().setBase(SPEC).addSeeds(1).addSeeds(2).build());
    setStatus(single.id(), new JobStatusBuilder().withActive(1).build());
    awaitState(single, TrainingState.TRAINING_STATE_RUNNING);
    executors.get(0).close();

    TrainingRuns after = trainer();
    TrainingRun adopted = after.run(single.id()).orElseThrow();
    assertEquals(SPEC, adopted.spec());
    awaitState(adopted, TrainingState.TRAINING_STATE_RUNNING);
    Sweep again = after.sweep(sweep.id()).orElseThrow();
    assertEquals(sweep.runs().stream().map(TrainingRun::id).sorted().toList(),
        again.runs().stream().map(TrainingRun::id).toList());
    assertEquals(TrainingState.TRAINING_STATE_QUEUED, again.runs().get(0).progress().getState());

    CheckpointRef replayed = ref(single.id() + "-epoch-1");
    announce(single.id(), replayed, 1, 4);
    assertEquals(List.of(replayed), after.checkpoints(single.id()).stream().map(CheckpointSummary::getCheckpoint).toList());
    setStatus(single.id(), new JobStatusBuilder().withActive(0).withSucceeded(1).withConditions(new JobConditionBuilder()
        .withType("Complete").withStatus("True").build()).build());
    awaitState(adopted, TrainingState.TRAINING_STATE_SUCCEEDED);
  }

  @Test
  void withoutThePodTemplateNothingIsStartedOrKept() {
    client.v1().podTemplates().inNamespace(NAMESPACE).withName("robustcert-trainer-job").delete();
    TrainingRuns trainer = trainer();
    RunNotStartedException e = assertThrows(RunNotStartedException.class, () -> trainer.start("", SPEC));
    assertFalse(e.retryable(), "a missing template needs the manifests applied, not a retry");
    assertTrue(e.getMessage().contains("PodTemplate robustcert-trainer-job not found"), e.getMessage());
    assertThrows(RunNotStartedException.class, () -> trainer.startSweep(StartSweepRequest.newBuilder().setBase(SPEC)
        .addSeeds(1).addSeeds(2).build()));
    assertTrue(trainer.checkpoints("").isEmpty());
    assertTrue(client.batch().v1().jobs().inNamespace(NAMESPACE).list().getItems().isEmpty());
  }

  @Test
  void cancellingARunWhoseJobIsGoneEndsIt() throws Exception {
    TrainingRuns trainer = trainer();
    TrainingRun run = trainer.start("", SPEC);
    executors.get(0).close();
    client.batch().v1().jobs().inNamespace(NAMESPACE).withName(run.id()).delete();
    trainer.cancel(List.of(run));
    assertEquals(TrainingState.TRAINING_STATE_CANCELLED, run.progress().getState());
  }

  @Test
  void aTrainerStartsWithoutTheApiServerAndSaysStartsCanBeRetried() {
    KubernetesClient nowhere = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(
        new io.fabric8.kubernetes.client.ConfigBuilder().withMasterUrl("http://127.0.0.1:1").withNamespace(NAMESPACE)
            .withConnectionTimeout(1000).withRequestTimeout(1000).withRequestRetryBackoffLimit(0).build()).build();
    KubernetesRunExecutor executor = new KubernetesRunExecutor(new TrainingJobs(nowhere, TrainingJobSettings.defaults(NAMESPACE)),
        sink -> () -> { });
    executors.add(executor);
    TrainingRuns trainer = new TrainingRuns(new TrainingSpecReader(config()), executor);
    assertTrue(trainer.checkpoints("").isEmpty());
    RunNotStartedException e = assertThrows(RunNotStartedException.class, () -> trainer.start("", SPEC));
    assertTrue(e.retryable(), "the API server may answer later: UNAVAILABLE");
    nowhere.close();
  }

  private void announce(String trainingId, CheckpointRef ref, int epoch, long step) {
    CheckpointCreated event = CheckpointCreated.newBuilder().setTrainingId(trainingId).setCheckpoint(ref).setEpoch(epoch)
        .setStep(step).build();
    followers.forEach(f -> f.accept(event));
  }

  private static CheckpointRef ref(String id) {
    return CheckpointRef.newBuilder().setCheckpointId(id).setUri("file:///var/lib/robustcert/checkpoints/" + id)
        .setSha256("ab".repeat(32)).setSizeBytes(1234).build();
  }

  private Job job(String name) {
    return client.batch().v1().jobs().inNamespace(NAMESPACE).withName(name).get();
  }

  private void setStatus(String runId, JobStatus status) {
    Job job = job(runId);
    job.setStatus(status);
    client.batch().v1().jobs().inNamespace(NAMESPACE).resource(job).updateStatus();
  }

  private static TrainingProgress next(BlockingQueue<TrainingProgress> seen) throws InterruptedException {
    TrainingProgress p = seen.poll(10, TimeUnit.SECONDS);
    assertNotNull(p, "no progress relayed within 10 s");
    return p;
  }

  private static void awaitState(TrainingRun run, TrainingState state) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (run.progress().getState() != state && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(state, run.progress().getState(), "run " + run.id());
  }

  private static TrainerConfig config() {
    return new TrainerConfig() {
      @Override
      public Path storeRoot() {
        return Path.of("/var/lib/robustcert/checkpoints");
      }

      @Override
      public Path dataDir() {
        return Path.of("/var/lib/robustcert/data");
      }

      @Override
      public int evalLimit() {
        return 100;
      }

      @Override
      public Kubernetes kubernetes() {
        return new Kubernetes() {
          @Override
          public Optional<String> namespace() {
            return Optional.of(NAMESPACE);
          }

          @Override
          public String jobTemplate() {
            return "robustcert-trainer-job";
          }

          @Override
          public String container() {
            return "trainer";
          }

          @Override
          public int backoffLimit() {
            return 3;
          }

          @Override
          public int ttlSecondsAfterFinished() {
            return 86_400;
          }
        };
      }
    };
  }
}
