package io.robustcert.certifier.grpc;

import io.quarkus.grpc.GrpcService;
import io.robustcert.certifier.certify.Certifier;
import io.grpc.StatusRuntimeException;
import io.robustcert.certifier.certify.CertifyModelReader;
import io.robustcert.certifier.certify.CertifyRequestReader;
import io.robustcert.certifier.certify.ModelEvaluation;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import io.robustcert.certifier.certify.Violations;
import io.robustcert.certifier.flow.CheckpointRequests;
import io.robustcert.certifier.messaging.BrokerUnavailableException;
import io.robustcert.certifier.messaging.EventPublisher;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.v1.CertifyCheckpointRequest;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationProgress;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.CertifyModelResponse;
import io.robustcert.certifier.certify.InvalidRequestException;
import io.robustcert.certifier.certify.TooMuchWorkException;
import com.google.rpc.BadRequest;
import io.robustcert.certifier.report.ReportBook;
import io.robustcert.v1.CertifyRequest;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.GetReportRequest;
import io.robustcert.v1.WatchReportsRequest;
import io.smallrye.mutiny.Multi;
import io.robustcert.v1.CertifyResponse;
import io.robustcert.v1.MutinyCertifierServiceGrpc;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * CertifierService over gRPC: a thin adapter that checks the request, hands it to core through
 * {@link Certifier} on a worker thread, and maps failures to canonical codes with error details.
 * CertifyModel evaluates a model on catalog samples ({@link ModelEvaluation}); GetReport and WatchReports
 * serve the reports the flow joins ({@link ReportBook}); CertifyCheckpoint certifies a stored checkpoint
 * on request ({@link CheckpointRequests}).
 */
@GrpcService
public class CertifierGrpcService extends MutinyCertifierServiceGrpc.CertifierServiceImplBase {

    private static final Logger LOG = Logger.getLogger(CertifierGrpcService.class);

    private final CertifyRequestReader reader;
    private final Certifier certifier;
    private final ReportBook reports;
    private final CertifyModelReader modelReader;
    private final ModelEvaluation modelEvaluation;
    private final CheckpointRequests checkpoints;
    private final EventPublisher publisher;
    private final InFlightRequests inFlight;

    public CertifierGrpcService(CertifyRequestReader reader, Certifier certifier, ReportBook reports,
                                CertifyModelReader modelReader, ModelEvaluation modelEvaluation,
                                CheckpointRequests checkpoints, EventPublisher publisher, InFlightRequests inFlight) {
        this.inFlight = inFlight;
        this.checkpoints = checkpoints;
        this.publisher = publisher;
        this.reader = reader;
        this.certifier = certifier;
        this.reports = reports;
        this.modelReader = modelReader;
        this.modelEvaluation = modelEvaluation;
    }

    @Override
    public Uni<EvaluationReport> getReport(GetReportRequest request) {
        if (request.getCheckpointId().isEmpty()) {
            return Uni.createFrom().failure(GrpcErrors.invalidArgument("checkpoint_id: required", List.of(
                    BadRequest.FieldViolation.newBuilder().setField("checkpoint_id").setDescription("required").build())));
        }
        return reports.get(request.getCheckpointId()).map(r -> Uni.createFrom().item(r))
                .orElseGet(() -> Uni.createFrom().failure(GrpcErrors.notFound("REPORT_NOT_FOUND",
                        "no report of checkpoint " + request.getCheckpointId() + " yet",
                        Map.of("checkpointId", request.getCheckpointId()))));
    }

    @Override
    public Multi<EvaluationReport> watchReports(WatchReportsRequest request) {
        String training = request.getTrainingId();
        return reports.updates().filter(r -> training.isEmpty() || training.equals(r.getTrainingId()));
    }

    @Override
    @Blocking
    public Uni<CertifyResponse> certify(CertifyRequest request) {
        try (InFlightRequests.Permit permit = inFlight.acquire()) {
            return Uni.createFrom().item(certifier.certify(reader.read(request)));
        } catch (Exception | OutOfMemoryError e) {
            return Uni.createFrom().failure(refusal(e, "Certify", request.getRequestId()));
        }
    }

    @Override
    @Blocking
    public Uni<CertifyModelResponse> certifyModel(CertifyModelRequest request) {
        try (InFlightRequests.Permit permit = inFlight.acquire()) {
            return Uni.createFrom().item(modelEvaluation.evaluate(modelReader.read(request)));
        } catch (Exception | OutOfMemoryError e) {
            return Uni.createFrom().failure(refusal(e, "CertifyModel", request.getRequestId()));
        }
    }

    /**
     * Certifies a stored checkpoint now (on a worker thread) and answers with a finished operation whose
     * response is the checkpoint's report so far: certification in, attack results joined as they arrive
     * (GetReport, WatchReports). The results go on the certificates topic like the flow's; a repeated
     * request recomputes nothing (results are kept per idempotent key).
     */
    @Override
    @Blocking
    public Uni<Operation> certifyCheckpoint(CertifyCheckpointRequest request) {
        Violations v = new Violations();
        CertifyRequestReader.checkRequestId(request.getRequestId(), v);
        if (request.getCheckpoint().getCheckpointId().isEmpty()) {
            v.add("checkpoint.checkpoint_id", "required");
        }
        if (request.getPlan().getEpsilonsCount() == 0) {
            v.add("plan.epsilons", "at least one epsilon is required (a request has no training run to take it from)");
        }
        try (InFlightRequests.Permit permit = inFlight.acquire()) {
            v.throwIfAny();
            CheckpointCreated event = CheckpointCreated.newBuilder().setMeta(publisher.meta(""))
                    .setCheckpoint(request.getCheckpoint()).setPlan(request.getPlan()).build();
            EvaluationReport report = checkpoints.certify(event);
            String id = request.getCheckpoint().getCheckpointId();
            return Uni.createFrom().item(Operation.newBuilder().setName("certifications/" + id).setDone(true)
                    .setMetadata(Any.pack(EvaluationProgress.newBuilder().setCheckpointId(id)
                            .setShardsDone(report.getShardsComplete()).setShardsTotal(report.getShardsTotal()).build()))
                    .setResponse(Any.pack(report)).build());
        } catch (Exception | OutOfMemoryError e) {
            return Uni.createFrom().failure(refusal(e, "CertifyCheckpoint", request.getRequestId()));
        }
    }

    /** What the caller named wrongly is INVALID_ARGUMENT or NOT_FOUND; what the deployment lacks, FAILED_PRECONDITION. */
    private static StatusRuntimeException checkpointRefusal(CheckpointException e, String planField) {
        return switch (e.reason()) {
            case "PLAN_INVALID" -> GrpcErrors.invalidArgument(e.getMessage(), List.of(BadRequest.FieldViolation
                    .newBuilder().setField(planField).setDescription(e.getMessage()).build()));
            case "CHECKPOINT_UNSAFE_URI" -> GrpcErrors.invalidArgument(e.getMessage(), List.of(BadRequest.FieldViolation
                    .newBuilder().setField("checkpoint.uri").setDescription(e.getMessage()).build()));
            case "CHECKPOINT_NOT_FOUND" -> GrpcErrors.notFound(e.reason(), e.getMessage(), Map.of());
            case "CHECKPOINT_TOO_LARGE" -> GrpcErrors.resourceExhausted(e.reason(), e.getMessage(), Map.of());
            default -> GrpcErrors.failedPrecondition(e.reason(), e.getMessage());
        };
    }

    /** A failed request as a canonical code with error details. */
    private static StatusRuntimeException refusal(Throwable e, String rpc, String requestId) {
        if (e instanceof InvalidRequestException invalid) {
            return GrpcErrors.invalidArgument(invalid.getMessage(), invalid.violations());
        }
        if (e instanceof TooMuchWorkException tooMuch) {
            return GrpcErrors.resourceExhausted(tooMuch.reason(), tooMuch.getMessage(), Map.of(
                    "inputCount", Long.toString(tooMuch.requested()), "maxInputs", Long.toString(tooMuch.limit())));
        }
        if (e instanceof CheckpointException refused) {
            return checkpointRefusal(refused, rpc.equals("CertifyModel") ? "dataset" : "plan");
        }
        if (e instanceof InFlightRequests.TooManyRequestsException busy) {
            return GrpcErrors.resourceExhausted("TOO_MANY_REQUESTS", busy.getMessage(),
                    Map.of("maxConcurrentRequests", Integer.toString(busy.limit())));
        }
        if (e instanceof BrokerUnavailableException away) {
            return GrpcErrors.unavailable("BROKER_UNAVAILABLE", "the results could not be published: " + away.getMessage());
        }
        if (e instanceof OutOfMemoryError) {
            // Heap or ND4J's off-heap cap: this request needs more than the instance has. Refuse it; the
            // memory it held is released with it.
            LOG.warnf("%s %s ran out of memory: %s", rpc, requestId, e.getMessage());
            return GrpcErrors.resourceExhausted("MEMORY_EXHAUSTED",
                    "the request needs more memory than this certifier has; send fewer inputs per request", Map.of());
        }
        // A bug, not the caller's fault: log it here, keep the trace off the wire.
        LOG.errorf(e, "%s %s failed", rpc, requestId);
        return GrpcErrors.internal("certification failed: " + e.getClass().getSimpleName());
    }
}
