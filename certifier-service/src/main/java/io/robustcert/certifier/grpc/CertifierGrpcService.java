package io.robustcert.certifier.grpc;

import io.quarkus.grpc.GrpcService;
import io.robustcert.certifier.certify.Certifier;
import io.robustcert.certifier.certify.CertifyRequestReader;
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
 * GetReport and WatchReports serve the reports the flow joins ({@link ReportBook}). CertifyModel and
 * CertifyCheckpoint are not implemented yet: they answer UNIMPLEMENTED (the generated base class).
 */
@GrpcService
public class CertifierGrpcService extends MutinyCertifierServiceGrpc.CertifierServiceImplBase {

    private static final Logger LOG = Logger.getLogger(CertifierGrpcService.class);

    private final CertifyRequestReader reader;
    private final Certifier certifier;
    private final ReportBook reports;

    public CertifierGrpcService(CertifyRequestReader reader, Certifier certifier, ReportBook reports) {
        this.reader = reader;
        this.certifier = certifier;
        this.reports = reports;
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
        try {
            return Uni.createFrom().item(certifier.certify(reader.read(request)));
        } catch (InvalidRequestException e) {
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(e.getMessage(), e.violations()));
        } catch (TooMuchWorkException e) {
            return Uni.createFrom().failure(GrpcErrors.resourceExhausted(e.reason(), e.getMessage(),
                    Map.of("inputCount", Long.toString(e.requested()), "maxInputs", Long.toString(e.limit()))));
        } catch (OutOfMemoryError e) {
            // Heap or ND4J's off-heap cap: this request needs more than the instance has. Refuse it; the
            // memory it held is released with it.
            LOG.warnf("Certify %s ran out of memory: %s", request.getRequestId(), e.getMessage());
            return Uni.createFrom().failure(GrpcErrors.resourceExhausted("MEMORY_EXHAUSTED",
                    "the request needs more memory than this certifier has; send fewer inputs per request", Map.of()));
        } catch (RuntimeException e) {
            // A bug, not the caller's fault: log it here, keep the trace off the wire.
            LOG.errorf(e, "Certify %s failed", request.getRequestId());
            return Uni.createFrom().failure(GrpcErrors.internal("certification failed: " + e.getClass().getSimpleName()));
        }
    }
}
