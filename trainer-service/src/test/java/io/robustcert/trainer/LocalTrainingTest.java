package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.model.Network;
import io.robustcert.core.store.Sha256;
import io.robustcert.core.store.StoreLayout;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.CheckpointRef;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.ListCheckpointsResponse;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.SweepResult;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingResult;
import io.robustcert.v1.TrainingState;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

/** Real training on real MNIST: checkpoints in the store as announced, events on a real broker, progress streamed. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class LocalTrainingTest extends TrainerGrpcTest {

    @ConfigProperty(name = "robustcert.trainer.store-root")
    Path storeRoot;

    @Test
    void trainsStoresAndAnnouncesEveryCheckpoint() throws Exception {
        EvaluationPlan plan = EvaluationPlan.newBuilder().addEpsilons(0.1).addMethods(BoundMethod.BOUND_METHOD_IBP).build();
        Operation started = client.stub.startTraining(StartTrainingRequest.newBuilder()
                .setSpec(TrainerClient.mnist(256, 2).setEvaluationPlan(plan)).build());
        String id = started.getName();
        assertFalse(started.getDone());

        List<TrainingProgress> progress = client.watch(id);
        assertEquals(TrainingState.TRAINING_STATE_SUCCEEDED, TrainerClient.last(progress), progress.toString());
        List<TrainingProgress> batches = progress.stream().filter(p -> p.getStep() > 0).toList();
        assertFalse(batches.isEmpty(), "no batch progress streamed");
        for (int i = 1; i < batches.size(); i++) {
            assertTrue(batches.get(i).getStep() >= batches.get(i - 1).getStep(), "steps go backwards: " + batches);
        }
        TrainingProgress end = progress.get(progress.size() - 1);
        assertEquals(2, end.getEpoch());
        assertEquals(8, end.getStep(), "2 epochs of 256 images in batches of 64");
        assertEquals(0.1, end.getCurrentEpsilon(), 1e-12, "the ramp ends at the target ε");
        assertTrue(Double.isFinite(end.getLoss()) && end.getLoss() > 0);

        Operation done = client.stub.getTraining(GetTrainingRequest.newBuilder().setTrainingId(id).build());
        assertTrue(done.getDone());
        List<CheckpointRef> refs = done.getResponse().unpack(TrainingResult.class).getCheckpointsList();
        assertEquals(2, refs.size(), "one checkpoint per epoch");

        StoreLayout layout = new StoreLayout(storeRoot.toAbsolutePath().normalize());
        for (CheckpointRef ref : refs) {
            byte[] bytes = Files.readAllBytes(layout.resolve(ref.getUri(), new Sha256(ref.getSha256())));
            assertEquals(ref.getSizeBytes(), bytes.length);
            assertEquals(ref.getSha256(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)));
            Network network = ModelFile.read(new ByteArrayInputStream(bytes), ModelFile.DEFAULT_MAX_BYTES, null).network();
            assertArrayEquals(new long[] {1, 28, 28}, network.inputShape());
        }
        try (Stream<Path> left = Files.list(storeRoot.resolve("tmp"))) {
            assertEquals(List.of(), left.toList(), "no half-written files");
        }

        Map<String, CheckpointCreated> events = CheckpointTopic.read(refs.stream().map(CheckpointRef::getCheckpointId)
                .collect(Collectors.toSet()));
        assertEquals(2, events.size(), "CheckpointCreated for every checkpoint");
        for (int i = 0; i < refs.size(); i++) {
            CheckpointCreated e = events.get(refs.get(i).getCheckpointId());
            assertEquals(refs.get(i), e.getCheckpoint());
            assertEquals(id, e.getTrainingId());
            assertEquals(i + 1, e.getEpoch());
            assertEquals(0.1, e.getTrainingEpsilon());
            assertEquals(plan, e.getPlan());
            assertEquals("trainer-service", e.getMeta().getProducer());
            assertFalse(e.getMeta().getEventId().isEmpty());
            assertTrue(e.getProvenanceJson().contains("\"method\":\"ibp\""), e.getProvenanceJson());
        }

        ListCheckpointsResponse listed = client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(id)
                .setPageSize(1).build());
        assertEquals(refs.get(0), listed.getCheckpoints(0).getCheckpoint());
        ListCheckpointsResponse next = client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(id)
                .setPageSize(1).setPageToken(listed.getNextPageToken()).build());
        assertEquals(refs.get(1), next.getCheckpoints(0).getCheckpoint());
        assertEquals("", next.getNextPageToken());
    }

    @Test
    void aRepeatedRequestIdStartsNothingNew() {
        StartTrainingRequest request = StartTrainingRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setSpec(TrainerClient.mnist(64, 1)).build();
        String first = client.stub.startTraining(request).getName();
        assertEquals(first, client.stub.startTraining(request).getName());
        assertEquals(TrainingState.TRAINING_STATE_SUCCEEDED, TrainerClient.last(client.watch(first)));
    }

    @Test
    void aSweepTrainsTheGridOneRunAfterAnother() throws Exception {
        Operation started = client.stub.startSweep(StartSweepRequest.newBuilder().setBase(TrainerClient.mnist(64, 1))
                .addMethods(TrainingMethod.TRAINING_METHOD_IBP).addMethods(TrainingMethod.TRAINING_METHOD_CROWN_IBP)
                .addSeeds(1).build());
        io.robustcert.v1.SweepProgress meta = started.getMetadata().unpack(io.robustcert.v1.SweepProgress.class);
        assertEquals(2, meta.getRunsTotal());
        for (String run : meta.getTrainingIdsList()) {
            assertEquals(TrainingState.TRAINING_STATE_SUCCEEDED, TrainerClient.last(client.watch(run)));
        }
        Operation done = client.stub.getTraining(GetTrainingRequest.newBuilder().setTrainingId(started.getName()).build());
        assertTrue(done.getDone());
        SweepResult result = done.getResponse().unpack(SweepResult.class);
        assertEquals(2, result.getRunsCount());
        for (TrainingResult r : result.getRunsList()) {
            assertEquals(1, r.getCheckpointsCount());
        }
        assertEquals(2, CheckpointTopic.read(result.getRunsList().stream().map(r -> r.getCheckpoints(0).getCheckpointId())
                .collect(Collectors.toSet())).size());
    }
}
