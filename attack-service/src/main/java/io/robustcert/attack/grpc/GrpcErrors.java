package io.robustcert.attack.grpc;

import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import com.google.rpc.Code;
import com.google.rpc.ErrorInfo;
import com.google.rpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.protobuf.StatusProto;
import java.util.List;
import java.util.Map;

/** gRPC errors with google.rpc details (EXAMPLES.md section 5): always an ErrorInfo, field violations for bad input. */
final class GrpcErrors {

    /** ErrorInfo domain of this service's errors. */
    static final String DOMAIN = "attack.robustcert.io";

    private GrpcErrors() {
    }

    static StatusRuntimeException invalidArgument(String message, List<BadRequest.FieldViolation> violations) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason("INVALID_REQUEST").setDomain(DOMAIN)
                .putMetadata("violationCount", Integer.toString(violations.size())).build();
        BadRequest badRequest = BadRequest.newBuilder().addAllFieldViolations(violations).build();
        return build(Code.INVALID_ARGUMENT, message, info, badRequest);
    }

    static StatusRuntimeException resourceExhausted(String reason, String message, Map<String, String> metadata) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build();
        return build(Code.RESOURCE_EXHAUSTED, message, info, null);
    }

    static StatusRuntimeException notFound(String reason, String message, Map<String, String> metadata) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).putAllMetadata(metadata).build();
        return build(Code.NOT_FOUND, message, info, null);
    }

    static StatusRuntimeException failedPrecondition(String reason, String message) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build();
        return build(Code.FAILED_PRECONDITION, message, info, null);
    }

    /** The broker is away: the request may be retried as it is. */
    static StatusRuntimeException unavailable(String reason, String message) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason(reason).setDomain(DOMAIN).build();
        return build(Code.UNAVAILABLE, message, info, null);
    }

    static StatusRuntimeException internal(String message) {
        ErrorInfo info = ErrorInfo.newBuilder().setReason("INTERNAL_ERROR").setDomain(DOMAIN).build();
        return build(Code.INTERNAL, message, info, null);
    }

    private static StatusRuntimeException build(Code code, String message, ErrorInfo info, BadRequest badRequest) {
        Status.Builder status = Status.newBuilder().setCode(code.getNumber()).setMessage(message).addDetails(Any.pack(info));
        if (badRequest != null) {
            status.addDetails(Any.pack(badRequest));
        }
        return StatusProto.toStatusRuntimeException(status.build());
    }
}
