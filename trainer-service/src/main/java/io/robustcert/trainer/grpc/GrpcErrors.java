package io.robustcert.trainer.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import io.robustcert.trainer.training.RunNotStartedException;
import java.util.List;

/** The trainer's gRPC errors (EXAMPLES.md §5): an ErrorInfo always, field violations for bad input. */
final class GrpcErrors {

    static final String DOMAIN = "trainer.robustcert.io";

    private GrpcErrors() {
    }

    static StatusRuntimeException invalidArgument(String message, List<BadRequest.FieldViolation> violations) {
        return error(Code.INVALID_ARGUMENT, "INVALID_REQUEST", message,
                Any.pack(BadRequest.newBuilder().addAllFieldViolations(violations).build()));
    }

    static StatusRuntimeException notFound(String id) {
        return error(Code.NOT_FOUND, "TRAINING_NOT_FOUND", "no training run or sweep '" + id + "'", null);
    }

    static StatusRuntimeException failedPrecondition(String reason, String message) {
        return error(Code.FAILED_PRECONDITION, reason, message, null);
    }

    /**
     * A run its executor could not take: UNAVAILABLE when trying again may work (the Kubernetes API did
     * not answer or refused), FAILED_PRECONDITION when the cluster lacks what runs need (the pod template).
     */
    static StatusRuntimeException notStarted(RunNotStartedException e) {
        return e.retryable() ? error(Code.UNAVAILABLE, "TRAINING_NOT_SUBMITTED", e.getMessage(), null)
                : error(Code.FAILED_PRECONDITION, "TRAINING_NOT_SUBMITTED", e.getMessage(), null);
    }

    /** The google.rpc.Status of a failed operation. */
    static Status status(Code code, String reason, String message) {
        return Status.newBuilder().setCode(code.getNumber()).setMessage(message)
                .addDetails(Any.pack(ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build())).build();
    }

    private static StatusRuntimeException error(Code code, String reason, String message, Any extra) {
        Status status = status(code, reason, message);
        return StatusProto.toStatusRuntimeException(extra == null ? status : status.toBuilder().addDetails(extra).build());
    }
}
