package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.batch.v1.JobConditionBuilder;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatus;
import io.fabric8.kubernetes.api.model.batch.v1.JobStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.trainer.kubernetes.TrainingJobFactory;
import io.robustcert.v1.CancelTrainingRequest;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.SweepProgress;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingResult;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The service configured for Kubernetes (as the Deployment configures it) over real gRPC: StartTraining and
 * StartSweep become Jobs on the (mock) API server instead of training here, the Jobs' phases come back
 * through GetTraining, their checkpoints announced on the real broker come back through ListCheckpoints,
 * and CancelTraining deletes the Job.
 */
@QuarkusTest
@TestProfile(KubernetesModeTest.OnKubernetes.class)
class KubernetesModeTest extends TrainerGrpcTest {

    public static class OnKubernetes implements QuarkusTestProfile {
        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(KafkaTestResource.class), new TestResourceEntry(KubernetesMockResource.class));
        }
    }

    private KubernetesClient cluster;

    @BeforeEach
    void connectToCluster() {
        cluster = new KubernetesClientBuilder().build();
    }

    @AfterEach
    void closeCluster() {
        cluster.close();
    }

    @Test
    void aRunIsAJobAndItsPhasesAndCheckpointsComeBack() throws Exception {
        TrainingSpec spec = TrainerClient.mnist(256, 2).build();
        Operation started = client.stub.startTraining(StartTrainingRequest.newBuilder().setSpec(spec).build());
        String id = started.getName();
        Job job = job(id);
        assertNotNull(job, "no Job " + id);
        assertEquals(spec, TrainingJobFactory.readSpec(job.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv()
                .stream().filter(e -> e.getName().equals(TrainingJobFactory.ENV_SPEC)).findFirst().orElseThrow().getValue()));
        assertEquals(TrainingState.TRAINING_STATE_QUEUED, progress(get(id)).getState(), "nothing trains in the service");

        setStatus(id, new JobStatusBuilder().withActive(1).build());
        await(id, op -> progress(op).getState() == TrainingState.TRAINING_STATE_RUNNING);

        CheckpointRef ref = CheckpointRef.newBuilder().setCheckpointId(id + "-epoch-1").setUri("file:///store/x")
                .setSha256("cd".repeat(32)).setSizeBytes(99).build();
        announce(CheckpointCreated.newBuilder().setTrainingId(id).setCheckpoint(ref).setEpoch(1).setStep(4).build());
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(id).build()).getCheckpointsCount() == 0
                && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(List.of(ref), client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(id).build())
                .getCheckpointsList().stream().map(c -> c.getCheckpoint()).toList(), "the Job's announcement relayed");
        assertEquals(1, progress(get(id)).getEpoch());

        setStatus(id, new JobStatusBuilder().withSucceeded(1).withConditions(new JobConditionBuilder().withType("Complete")
                .withStatus("True").build()).build());
        Operation done = await(id, Operation::getDone);
        assertEquals(List.of(ref), done.getResponse().unpack(TrainingResult.class).getCheckpointsList());
    }

    @Test
    void cancellingDeletesTheJobAndASweepIsOneJobPerRun() throws Exception {
        String id = client.stub.startTraining(StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(256, 1)).build())
                .getName();
        assertNotNull(job(id));
        client.stub.cancelTraining(CancelTrainingRequest.newBuilder().setTrainingId(id).build());
        Operation cancelled = await(id, Operation::getDone);
        assertEquals(TrainingState.TRAINING_STATE_CANCELLED, progress(cancelled).getState());
        assertNull(job(id), "the Job is deleted");

        Operation sweep = client.stub.startSweep(StartSweepRequest.newBuilder().setBase(TrainerClient.mnist(256, 1))
                .addSeeds(1).addSeeds(2).addSeeds(3).build());
        List<String> runs = sweep.getMetadata().unpack(SweepProgress.class).getTrainingIdsList();
        assertEquals(3, runs.size());
        List<Job> jobs = cluster.batch().v1().jobs().inNamespace(KubernetesMockResource.NAMESPACE)
                .withLabel(TrainingJobFactory.SWEEP_ID, sweep.getName()).list().getItems();
        assertEquals(runs.stream().sorted().toList(), jobs.stream().map(j -> j.getMetadata().getName()).sorted().toList());
    }

    @Test
    void withoutThePodTemplateStartTrainingIsAFailedPrecondition() {
        int jobsBefore = cluster.batch().v1().jobs().inNamespace(KubernetesMockResource.NAMESPACE).list().getItems().size();
        cluster.v1().podTemplates().inNamespace(KubernetesMockResource.NAMESPACE).withName("robustcert-trainer-job").delete();
        try {
            StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> client.stub.startTraining(
                    StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(256, 1)).build()));
            assertEquals(Status.Code.FAILED_PRECONDITION, e.getStatus().getCode());
            assertTrue(e.getStatus().getDescription().contains("PodTemplate robustcert-trainer-job not found"),
                    e.getStatus().getDescription());
            assertEquals(jobsBefore, cluster.batch().v1().jobs().inNamespace(KubernetesMockResource.NAMESPACE).list()
                    .getItems().size(), "no Job was created");
        } finally {
            KubernetesMockResource.deployTemplate(cluster);
        }
    }

    private Operation get(String id) {
        return client.stub.getTraining(GetTrainingRequest.newBuilder().setTrainingId(id).build());
    }

    private static TrainingProgress progress(Operation op) {
        try {
            return op.getMetadata().unpack(TrainingProgress.class);
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new AssertionError("operation metadata is not a TrainingProgress: " + op, e);
        }
    }

    private Operation await(String id, Predicate<Operation> condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Operation op = get(id);
        while (!condition.test(op) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            op = get(id);
        }
        assertTrue(condition.test(op), "not reached within 20 s: " + op);
        return op;
    }

    private Job job(String name) {
        return cluster.batch().v1().jobs().inNamespace(KubernetesMockResource.NAMESPACE).withName(name).get();
    }

    private void setStatus(String name, JobStatus status) {
        Job job = job(name);
        job.setStatus(status);
        cluster.batch().v1().jobs().inNamespace(KubernetesMockResource.NAMESPACE).resource(job).updateStatus();
    }

    /** As a training Job's pod announces a checkpoint. */
    private static void announce(CheckpointCreated event) throws Exception {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("robustcert.checkpoints.v1", event.getCheckpoint().getCheckpointId(),
                    event.toByteArray())).get();
        }
    }
}
