package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.rpc.ErrorInfo;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CancelTrainingRequest;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.WatchTrainingRequest;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Bad requests: INVALID_ARGUMENT naming every bad field, NOT_FOUND for unknown ids; nothing is started. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class RequestErrorsTest extends TrainerGrpcTest {

    private static StatusRuntimeException fails(Status.Code code, Executable call) throws Exception {
        StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call);
        assertEquals(code, e.getStatus().getCode(), e.toString());
        assertEquals("trainer.robustcert.io", TrainerClient.detail(e, ErrorInfo.class).getDomain());
        return e;
    }

    @Test
    void everyInvalidFieldIsNamed() throws Exception {
        TrainingSpec bad = TrainingSpec.newBuilder()
                .setDataset(DatasetSlice.newBuilder().setDataset("imagenet").setSplit("test").setCount(-1))
                .setEpsilon(-0.1).setEpochs(0).setBatchSize(100_000).setLearningRate(Double.NaN).setWarmupEpochs(-1)
                .setEvaluationPlan(EvaluationPlan.newBuilder().addEpsilons(Double.POSITIVE_INFINITY)
                        .addMethods(BoundMethod.BOUND_METHOD_UNSPECIFIED).setShardSize(-5))
                .build();
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startTraining(
                StartTrainingRequest.newBuilder().setRequestId("not-a-uuid").setSpec(bad).build()));
        assertEquals(List.of("request_id"), TrainerClient.violatedFields(e), "the request id is checked first");
        e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startTraining(StartTrainingRequest.newBuilder().setSpec(bad).build()));
        assertEquals("INVALID_REQUEST", TrainerClient.detail(e, ErrorInfo.class).getReason());
        assertEquals(List.of("spec.dataset.dataset", "spec.dataset.split", "spec.dataset.count", "spec.method", "spec.epsilon",
                "spec.epochs", "spec.batch_size", "spec.learning_rate", "spec.warmup_epochs",
                "spec.evaluation_plan.epsilons[0]", "spec.evaluation_plan.methods[0]", "spec.evaluation_plan.shard_size"),
                TrainerClient.violatedFields(e));
    }

    @Test
    void aModelThatCannotBeBuiltIsRefusedBeforeTraining() throws Exception {
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startTraining(
                StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(64, 1).setArchitectureJson("{\"layers\": 3}")).build()));
        assertEquals(List.of("spec.architecture_json"), TrainerClient.violatedFields(e));
        e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startTraining(
                StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(64, 2).setWarmupEpochs(2).setRampEpochs(1)).build()));
        assertEquals(List.of("spec.ramp_epochs"), TrainerClient.violatedFields(e));
    }

    @Test
    void sweepsAreBoundedAndChecked() throws Exception {
        StartSweepRequest.Builder big = StartSweepRequest.newBuilder().setBase(TrainerClient.mnist(64, 1));
        for (int i = 0; i < 300; i++) {
            big.addSeeds(i);
        }
        assertEquals(List.of("methods"), TrainerClient.violatedFields(fails(Status.Code.INVALID_ARGUMENT,
                () -> client.stub.startSweep(big.build()))));
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startSweep(StartSweepRequest.newBuilder()
                .setBase(TrainerClient.mnist(64, 1).setBatchSize(0)).addEpsilons(Double.NaN).build()));
        assertEquals(List.of("epsilons[0]"), TrainerClient.violatedFields(e), "the grid first, then each run's spec");
        e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.startSweep(StartSweepRequest.newBuilder()
                .setBase(TrainerClient.mnist(64, 1).setBatchSize(0)).build()));
        assertEquals(List.of("base.batch_size"), TrainerClient.violatedFields(e));
    }

    @Test
    void unknownIdsAreNotFound() throws Exception {
        String id = "training-00000000-0000-0000-0000-000000000000";
        fails(Status.Code.NOT_FOUND, () -> client.stub.getTraining(GetTrainingRequest.newBuilder().setTrainingId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> client.stub.cancelTraining(CancelTrainingRequest.newBuilder().setTrainingId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(id).build()));
        fails(Status.Code.NOT_FOUND, () -> client.stub.watchTraining(WatchTrainingRequest.newBuilder().setTrainingId(id).build()).hasNext());
        StatusRuntimeException e = fails(Status.Code.INVALID_ARGUMENT, () -> client.stub.listCheckpoints(
                ListCheckpointsRequest.newBuilder().setPageSize(-1).setPageToken("../x").build()));
        assertTrue(TrainerClient.violatedFields(e).containsAll(List.of("page_size", "page_token")));
    }
}
