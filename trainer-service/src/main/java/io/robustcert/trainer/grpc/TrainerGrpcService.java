package io.robustcert.trainer.grpc;

import com.google.longrunning.Operation;
import com.google.rpc.BadRequest;
import io.grpc.StatusRuntimeException;
import io.quarkus.grpc.GrpcService;
import io.robustcert.trainer.training.InvalidRequestException;
import io.robustcert.trainer.training.RunNotStartedException;
import io.robustcert.trainer.training.Sweep;
import io.robustcert.trainer.training.TrainingRun;
import io.robustcert.trainer.training.TrainingRuns;
import io.robustcert.v1.CancelTrainingRequest;
import io.robustcert.v1.CheckpointSummary;
import io.robustcert.v1.GetTrainingRequest;
import io.robustcert.v1.ListCheckpointsRequest;
import io.robustcert.v1.ListCheckpointsResponse;
import io.robustcert.v1.MutinyTrainerServiceGrpc;
import io.robustcert.v1.StartSweepRequest;
import io.robustcert.v1.StartTrainingRequest;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.WatchTrainingRequest;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.BackPressureStrategy;
import java.util.List;
import java.util.function.Consumer;

/**
 * TrainerService over gRPC: a thin adapter over {@link TrainingRuns}. Runs train on the configured
 * executor (this process's worker thread, or Kubernetes Jobs); these methods only queue, look up and cancel. GetTraining and CancelTraining accept a run's or a
 * sweep's id.
 */
@GrpcService
public class TrainerGrpcService extends MutinyTrainerServiceGrpc.TrainerServiceImplBase {

    static final int DEFAULT_PAGE = 100;
    static final int MAX_PAGE = 1000;

    private final TrainingRuns runs;

    public TrainerGrpcService(TrainingRuns runs) {
        this.runs = runs;
    }

    @Override
    @Blocking
    public Uni<Operation> startTraining(StartTrainingRequest request) {
        try {
            return Uni.createFrom().item(Operations.of(runs.start(request.getRequestId(), request.getSpec())));
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(e.getMessage(), e.violations()));
        } catch (RunNotStartedException e) {
            return Uni.createFrom().failure(GrpcErrors.notStarted(e));
        }
    }

    @Override
    @Blocking
    public Uni<Operation> startSweep(StartSweepRequest request) {
        try {
            return Uni.createFrom().item(Operations.of(runs.startSweep(request)));
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(e.getMessage(), e.violations()));
        } catch (RunNotStartedException e) {
            return Uni.createFrom().failure(GrpcErrors.notStarted(e));
        }
    }

    @Override
    public Uni<Operation> getTraining(GetTrainingRequest request) {
        return Uni.createFrom().item(() -> operation(request.getTrainingId()));
    }

    @Override
    public Uni<Operation> cancelTraining(CancelTrainingRequest request) {
        return Uni.createFrom().item(() -> {
            String id = request.getTrainingId();
            List<TrainingRun> targets = runs.run(id).map(List::of)
                    .or(() -> runs.sweep(id).map(Sweep::runs)).orElseThrow(() -> GrpcErrors.notFound(id));
            if (targets.stream().allMatch(TrainingRun::done)) {
                throw GrpcErrors.failedPrecondition("TRAINING_ALREADY_FINISHED", id + " has already finished");
            }
            runs.cancel(targets);
            return operation(id);
        });
    }

    @Override
    public Multi<TrainingProgress> watchTraining(WatchTrainingRequest request) {
        TrainingRun run;
        try {
            run = runs.run(request.getTrainingId()).orElseThrow(() -> GrpcErrors.notFound(request.getTrainingId()));
        } catch (StatusRuntimeException e) {
            return Multi.createFrom().failure(e);
        }
        // Progress is a snapshot: a slow watcher gets the latest, never an ever-growing backlog.
        return Multi.createFrom().emitter(emitter -> {
            Consumer<TrainingProgress> watcher = p -> {
                emitter.emit(p);
                if (run.done()) {
                    emitter.complete();
                }
            };
            emitter.onTermination(() -> run.unwatch(watcher));
            if (!run.watch(watcher)) {
                emitter.complete();
            }
        }, BackPressureStrategy.LATEST);
    }

    @Override
    public Uni<ListCheckpointsResponse> listCheckpoints(ListCheckpointsRequest request) {
        return Uni.createFrom().item(() -> {
            String id = request.getTrainingId();
            if (!id.isEmpty() && runs.run(id).isEmpty()) {
                throw GrpcErrors.notFound(id);
            }
            int size = request.getPageSize() == 0 ? DEFAULT_PAGE : request.getPageSize();
            int from = pageStart(request, size);
            List<CheckpointSummary> all = runs.checkpoints(id);
            int to = Math.min(all.size(), from + size);
            ListCheckpointsResponse.Builder page = ListCheckpointsResponse.newBuilder()
                    .addAllCheckpoints(from < to ? all.subList(from, to) : List.of());
            return page.setNextPageToken(to < all.size() ? Integer.toString(to) : "").build();
        });
    }

    /** The page token is the position of the page's first entry (opaque to callers). */
    private static int pageStart(ListCheckpointsRequest request, int size) {
        List<BadRequest.FieldViolation> violations = new java.util.ArrayList<>();
        if (size < 1 || size > MAX_PAGE) {
            violations.add(violation("page_size", "must be in [0, " + MAX_PAGE + "], got " + request.getPageSize()));
        }
        int from = 0;
        String token = request.getPageToken();
        if (!token.isEmpty()) {
            from = token.matches("[0-9]{1,9}") ? Integer.parseInt(token) : -1;
            if (from < 0) {
                violations.add(violation("page_token", "is not a token this service returned: '" + token + "'"));
            }
        }
        if (!violations.isEmpty()) {
            throw GrpcErrors.invalidArgument("invalid page request", violations);
        }
        return from;
    }

    private static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }

    private Operation operation(String id) {
        return runs.run(id).map(Operations::of).or(() -> runs.sweep(id).map(Operations::of))
                .orElseThrow(() -> GrpcErrors.notFound(id));
    }
}
