package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.longrunning.Operation;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.robustcert.testing.kafka.KafkaTestResource;
import io.robustcert.v1.CancelTrainingRequest;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingState;
import io.robustcert.v1.WatchTrainingRequest;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A running run stops after its batch when cancelled; a queued one never starts. */
@QuarkusTest
@QuarkusTestResource(KafkaTestResource.class)
class CancelTrainingTest extends TrainerGrpcTest {

    private String start(int epochs) {
        // Far longer than the test: only a cancel ends it in time.
        return client.stub.startTraining(StartTrainingRequest.newBuilder().setSpec(TrainerClient.mnist(1024, epochs)
                .setCheckpointEveryEpochs(0)).build()).getName();
    }

    @Test
    void cancelStopsARunningAndAQueuedRun() {
        String running = start(500);
        String queued = start(500);
        Iterator<TrainingProgress> watch = client.stub.withDeadlineAfter(5, TimeUnit.MINUTES)
                .watchTraining(WatchTrainingRequest.newBuilder().setTrainingId(running).build());
        TrainingProgress p;
        do {
            p = watch.next();
        } while (p.getStep() < 2);
        assertEquals(TrainingState.TRAINING_STATE_RUNNING, p.getState());

        client.stub.cancelTraining(CancelTrainingRequest.newBuilder().setTrainingId(queued).build());
        client.stub.cancelTraining(CancelTrainingRequest.newBuilder().setTrainingId(running).build());
        while (watch.hasNext()) {
            p = watch.next();
        }
        assertEquals(TrainingState.TRAINING_STATE_CANCELLED, p.getState(), "the stream ends with the final state");
        assertTrue(p.getEpoch() < 500);

        List<TrainingProgress> queuedProgress = client.watch(queued);
        assertEquals(TrainingState.TRAINING_STATE_CANCELLED, TrainerClient.last(queuedProgress));
        assertEquals(0, queuedProgress.get(queuedProgress.size() - 1).getStep(), "the queued run never trained");

        Operation op = client.stub.getTraining(GetTrainingRequest.newBuilder().setTrainingId(running).build());
        assertTrue(op.getDone());
        assertEquals(com.google.rpc.Code.CANCELLED_VALUE, op.getError().getCode());
        assertEquals(0, client.stub.listCheckpoints(ListCheckpointsRequest.newBuilder().setTrainingId(running).build())
                .getCheckpointsCount());
        StatusRuntimeException again = assertThrows(StatusRuntimeException.class, () -> client.stub.cancelTraining(
                CancelTrainingRequest.newBuilder().setTrainingId(running).build()));
        assertEquals(Status.Code.FAILED_PRECONDITION, again.getStatus().getCode());
    }
}
