package io.robustcert.trainer.grpc;

import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.rpc.Code;
import io.robustcert.trainer.training.Sweep;
import io.robustcert.trainer.training.TrainingRun;
import io.robustcert.v1.TrainingProgress;
import io.robustcert.v1.TrainingState;

/** Long-running operations (AIP-151) of runs and sweeps: name = id, metadata = progress, a result or an error. */
final class Operations {

    private Operations() {
    }

    static Operation of(TrainingRun run) {
        TrainingProgress p = run.progress();
        Operation.Builder op = Operation.newBuilder().setName(run.id()).setMetadata(Any.pack(p)).setDone(run.done());
        switch (p.getState()) {
            case TRAINING_STATE_SUCCEEDED -> op.setResponse(Any.pack(run.result()));
            case TRAINING_STATE_FAILED -> op.setError(GrpcErrors.status(Code.INTERNAL, "TRAINING_FAILED", run.failure()));
            case TRAINING_STATE_CANCELLED -> op.setError(GrpcErrors.status(Code.CANCELLED, "TRAINING_CANCELLED",
                    "training " + run.id() + " was cancelled"));
            default -> { }
        }
        return op.build();
    }

    /** A sweep is done when every run is; it fails if any run failed, and is cancelled if any was cancelled. */
    static Operation of(Sweep sweep) {
        Operation.Builder op = Operation.newBuilder().setName(sweep.id()).setMetadata(Any.pack(sweep.progress()))
                .setDone(sweep.done());
        if (!sweep.done()) {
            return op.build();
        }
        for (TrainingRun r : sweep.runs()) {
            if (r.progress().getState() == TrainingState.TRAINING_STATE_FAILED) {
                return op.setError(GrpcErrors.status(Code.INTERNAL, "TRAINING_FAILED", r.id() + ": " + r.failure())).build();
            }
        }
        for (TrainingRun r : sweep.runs()) {
            if (r.progress().getState() == TrainingState.TRAINING_STATE_CANCELLED) {
                return op.setError(GrpcErrors.status(Code.CANCELLED, "TRAINING_CANCELLED", "sweep " + sweep.id()
                        + " was cancelled")).build();
            }
        }
        return op.setResponse(Any.pack(sweep.result())).build();
    }
}
