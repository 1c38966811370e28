package io.robustcert.cli;

import com.google.protobuf.ByteString;
import com.google.rpc.BadRequest;
import com.google.rpc.Status;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.protobuf.StatusProto;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.eval.ErrorTable;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifierServiceGrpc;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.CertifyModelResponse;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.ErrorRates;
import io.robustcert.v1.SlopeRule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * {@code certify --remote}: the same evaluation sent to the certifier service's CertifyModel, its answer
 * turned back into core's {@link ErrorTable} so the command prints the same table and applies the same gate.
 * Only what the wire contract can say is accepted; every other option is refused by name.
 */
final class RemoteCertifier {

    /** The methods the service offers, by the CLI's names. */
    static final Map<String, BoundMethod> METHODS = Map.of("ibp", BoundMethod.BOUND_METHOD_IBP,
            "crown-ibp", BoundMethod.BOUND_METHOD_CROWN_IBP, "crown", BoundMethod.BOUND_METHOD_CROWN);

    /** What came back: the table of the one ε and whether the service raised a soundness alarm. */
    record Answer(ErrorTable table, boolean unsound, List<String> serviceReasons) {
    }

    /** The service's refusal or failure, with the exit code the command should end with. */
    static final class RemoteFailure extends Exception {
        final int exitCode;

        RemoteFailure(String message, int exitCode) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    private final String host;
    private final int port;
    private final long timeoutSeconds;

    RemoteCertifier(String target, long timeoutSeconds) {
        int colon = target.lastIndexOf(':');
        if (colon <= 0 || colon == target.length() - 1) {
            throw new IllegalArgumentException("--remote needs HOST:PORT, got '" + target + "'");
        }
        this.host = target.substring(0, colon);
        try {
            this.port = Integer.parseInt(target.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--remote: the port of '" + target + "' is not a number");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--remote: port " + port + " is outside 1..65535");
        }
        if (timeoutSeconds < 1) {
            throw new IllegalArgumentException("--remote-timeout must be ≥ 1 second, got " + timeoutSeconds);
        }
        this.timeoutSeconds = timeoutSeconds;
    }

    /** The request, or an IllegalArgumentException naming the option the service cannot honour. */
    static CertifyModelRequest request(byte[] model, String architectureJson, DatasetRef data, double eps,
                                       List<String> methods, String slopes, String mode, EvaluationOptions attack,
                                       double minVerifiedAccuracy, Double maxPgdError) {
        CertifyModelRequest.Builder b = CertifyModelRequest.newBuilder().setRequestId(UUID.randomUUID().toString())
                .setModel(ByteString.copyFrom(model)).addEpsilons(eps)
                .setMaxVerifiedError(1.0 - minVerifiedAccuracy);
        if (architectureJson != null) {
            b.setArchitectureJson(architectureJson);
        }
        int count = data.hasLimit() ? Math.min(data.limit(), data.kind().size(data.split())) : data.kind().size(data.split());
        b.setDataset(DatasetSlice.newBuilder().setDataset(data.kind().id()).setSplit(data.split()).setStartIndex(0)
                .setCount(count));
        for (String m : methods) {
            BoundMethod wire = METHODS.get(m);
            if (wire == null) {
                throw new IllegalArgumentException("--method " + m + " is not offered by the certifier service "
                        + "(--remote takes ibp, crown-ibp and crown)");
            }
            b.addMethods(wire);
        }
        b.setSlopeRule(switch (slopes) {
            case "adaptive" -> SlopeRule.SLOPE_RULE_ADAPTIVE;
            case "zero" -> SlopeRule.SLOPE_RULE_ZERO;
            case "one" -> SlopeRule.SLOPE_RULE_ONE;
            case "same" -> SlopeRule.SLOPE_RULE_SAME;
            default -> throw new IllegalArgumentException("--slopes: unknown rule '" + slopes + "'");
        });
        b.setMode(mode.equals("fast") ? ComputeMode.COMPUTE_MODE_FAST : ComputeMode.COMPUTE_MODE_SOUND);
        if (maxPgdError != null) {
            b.setMaxPgdError(maxPgdError);
        }
        List<String> unsupported = new ArrayList<>();
        if (attack.stepSize != null) {
            unsupported.add("--step-size");
        }
        if (attack.loss != null) {
            unsupported.add("--loss");
        }
        if (attack.randomStart != null) {
            unsupported.add("--random-start");
        }
        if (attack.multiTargeted != null) {
            unsupported.add("--multi-targeted");
        }
        if (!unsupported.isEmpty()) {
            throw new IllegalArgumentException(String.join(", ", unsupported) + ": not available with --remote (the "
                    + "service's attack is a preset with optional steps, restarts and seed)");
        }
        AttackSpec.Builder a = AttackSpec.newBuilder().setPreset(switch (attack.preset) {
            case "spec" -> AttackSpec.Preset.PRESET_SPEC_EVALUATION;
            case "fgsm" -> AttackSpec.Preset.PRESET_FGSM;
            default -> AttackSpec.Preset.PRESET_PLATFORM_DEFAULT;
        });
        if (attack.steps != null) {
            a.setSteps(attack.steps);
        }
        if (attack.restarts != null) {
            a.setRestarts(attack.restarts);
        }
        if (attack.seed != null) {
            a.setSeed(attack.seed);
        }
        return b.setAttack(a).build();
    }

    Answer certify(CertifyModelRequest request, List<String> methodNames) throws RemoteFailure {
        ManagedChannel channel = NettyChannelBuilder.forAddress(host, port).usePlaintext()
                .maxInboundMessageSize(64 << 20).build();
        try {
            CertifyModelResponse response = CertifierServiceGrpc.newBlockingStub(channel)
                    .withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS).withMaxOutboundMessageSize(Integer.MAX_VALUE)
                    .certifyModel(request);
            return new Answer(table(response, request, methodNames), response.getUnsound(), response.getReasonsList());
        } catch (StatusRuntimeException e) {
            throw failure(e);
        } finally {
            channel.shutdownNow();
        }
    }

    /** The rows of the one ε as core's table (method labels as the local run names them). */
    static ErrorTable table(CertifyModelResponse response, CertifyModelRequest request, List<String> methodNames)
            throws RemoteFailure {
        Map<String, Double> byMethod = new LinkedHashMap<>();
        Double best = null;
        ErrorRates any = null;
        for (ErrorRates r : response.getRatesList()) {
            any = r;
            if (r.getMethod() == BoundMethod.BOUND_METHOD_UNSPECIFIED) {
                best = r.getVerifiedError();
            } else {
                String name = methodNames.get(request.getMethodsList().indexOf(r.getMethod()));
                byMethod.put(name, r.getVerifiedError());
            }
        }
        if (any == null || best == null || byMethod.size() != methodNames.size()) {
            throw new RemoteFailure("the certifier's answer lacks rows (" + response.getRatesCount() + " rows for "
                    + methodNames.size() + " methods)", Main.EXIT_INTERNAL);
        }
        String precision = any.getMode() == ComputeMode.COMPUTE_MODE_FAST ? "fast" : "sound";
        return new ErrorTable((int) any.getSamples(), any.getEpsilon(), precision, any.getStandardError(),
                any.getPgdError(), best, byMethod, 0);
    }

    private RemoteFailure failure(StatusRuntimeException e) {
        io.grpc.Status.Code code = e.getStatus().getCode();
        String where = host + ":" + port;
        StringBuilder message = new StringBuilder("the certifier at " + where + " answered " + code);
        if (e.getStatus().getDescription() != null) {
            message.append(": ").append(Main.oneLine(e.getStatus().getDescription()));
        }
        Status details = StatusProto.fromThrowable(e);
        if (details != null) {
            for (com.google.protobuf.Any d : details.getDetailsList()) {
                if (d.is(BadRequest.class)) {
                    try {
                        for (BadRequest.FieldViolation v : d.unpack(BadRequest.class).getFieldViolationsList()) {
                            String line = v.getField() + ": " + v.getDescription();
                            if (message.indexOf(line) < 0) {
                                message.append("; ").append(line);
                            }
                        }
                    } catch (com.google.protobuf.InvalidProtocolBufferException ignored) {
                        // A detail that does not parse adds nothing to the message.
                    }
                }
            }
        }
        return switch (code) {
            case INVALID_ARGUMENT, RESOURCE_EXHAUSTED, FAILED_PRECONDITION, NOT_FOUND, OUT_OF_RANGE ->
                    new RemoteFailure(message.toString(), Main.EXIT_USAGE);
            case UNAVAILABLE, DEADLINE_EXCEEDED -> new RemoteFailure(code == io.grpc.Status.Code.UNAVAILABLE
                    ? "cannot reach the certifier at " + where + " (" + Main.oneLine(e.getStatus().getDescription()) + ")"
                    : "the certifier at " + where + " did not answer within " + timeoutSeconds + " s (--remote-timeout)",
                    Main.EXIT_UNAVAILABLE);
            default -> new RemoteFailure(message.toString(), Main.EXIT_INTERNAL);
        };
    }
}
