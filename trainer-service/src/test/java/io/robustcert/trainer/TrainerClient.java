package io.robustcert.trainer;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.rpc.BadRequest;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.TrainerServiceGrpc;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import io.robustcert.v1.WatchTrainingRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The test side of the trainer's gRPC API on loopback: a channel, small specs, error details. */
final class TrainerClient implements AutoCloseable {

    final ManagedChannel channel;
    final TrainerServiceGrpc.TrainerServiceBlockingStub stub;

    TrainerClient(int port) {
        channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
        stub = TrainerServiceGrpc.newBlockingStub(channel).withWaitForReady();
    }

    /** A run on the first {@code images} real MNIST training images. */
    static TrainingSpec.Builder mnist(int images, int epochs) {
        return TrainingSpec.newBuilder().setDataset(DatasetSlice.newBuilder().setDataset("mnist").setSplit("train").setCount(images))
                .setMethod(TrainingMethod.TRAINING_METHOD_IBP).setEpsilon(0.1).setEpochs(epochs).setBatchSize(64)
                .setLearningRate(1e-3).setSeed(7).setWarmupEpochs(0).setRampEpochs(1).setCheckpointEveryEpochs(1);
    }

    /** Every progress message of a run until its stream ends (the run's end). */
    List<TrainingProgress> watch(String trainingId) {
        List<TrainingProgress> seen = new ArrayList<>();
        Iterator<TrainingProgress> it = stub.withDeadlineAfter(5, TimeUnit.MINUTES)
                .watchTraining(WatchTrainingRequest.newBuilder().setTrainingId(trainingId).build());
        it.forEachRemaining(seen::add);
        return seen;
    }

    static TrainingState last(List<TrainingProgress> progress) {
        return progress.get(progress.size() - 1).getState();
    }

    /** The detail of the given type in a gRPC error's google.rpc.Status. */
    static <T extends Message> T detail(StatusRuntimeException e, Class<T> type) throws InvalidProtocolBufferException {
        com.google.rpc.Status status = StatusProto.fromThrowable(e);
        if (status != null) {
            for (Any any : status.getDetailsList()) {
                if (any.is(type)) {
                    return any.unpack(type);
                }
            }
        }
        throw new AssertionError("no " + type.getSimpleName() + " in " + e);
    }

    static List<String> violatedFields(StatusRuntimeException e) throws InvalidProtocolBufferException {
        return detail(e, BadRequest.class).getFieldViolationsList().stream().map(BadRequest.FieldViolation::getField).toList();
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
