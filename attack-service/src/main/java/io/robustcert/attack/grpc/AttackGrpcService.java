package io.robustcert.attack.grpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.SampleVerdict;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.AttackRequest;
import io.robustcert.v1.AttackResponse;
import io.robustcert.v1.Input;
import io.robustcert.v1.MutinyAttackServiceGrpc;
import io.robustcert.v1.SampleAttack;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * AttackService over gRPC: checks the request, runs core's attack-only {@link Evaluator} (clean verdict and
 * PGD, each broken point checked in float64) on a worker thread, and maps failures to canonical codes with
 * error details. AttackCheckpoint is not implemented yet: it answers UNIMPLEMENTED (the generated base class).
 */
@GrpcService
public class AttackGrpcService extends MutinyAttackServiceGrpc.AttackServiceImplBase {

    private static final Logger LOG = Logger.getLogger(AttackGrpcService.class);

    private final FlowConfig config;
    private final MeterRegistry metrics;

    public AttackGrpcService(FlowConfig config, MeterRegistry metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    @Override
    @Blocking
    public Uni<AttackResponse> attack(AttackRequest request) {
        if (request.getInputsCount() > config.maxInputs()) {
            return Uni.createFrom().failure(GrpcErrors.resourceExhausted("TOO_MANY_INPUTS", "the request has "
                    + request.getInputsCount() + " inputs; this attacker takes at most " + config.maxInputs()
                    + " per request", Map.of("inputCount", Integer.toString(request.getInputsCount()),
                    "maxInputs", Integer.toString(config.maxInputs()))));
        }
        AttackRequestReader reader = new AttackRequestReader();
        AttackJob job = reader.read(request);
        if (job == null) {
            List<com.google.rpc.BadRequest.FieldViolation> v = reader.violations();
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(v.get(0).getField() + ": "
                    + v.get(0).getDescription() + (v.size() > 1 ? " (and " + (v.size() - 1) + " more)" : ""), v));
        }
        try {
            EvaluationReport report = new Evaluator(new EvaluationSettings(job.attack(), List.of(), Precision.SOUND,
                    config.batchSize())).evaluate(job.network(), job.inputs(), job.labels(), "request");
            AttackResponse.Builder response = AttackResponse.newBuilder();
            long broken = 0;
            for (SampleVerdict v : report.samples()) {
                SampleAttack.Builder s = SampleAttack.newBuilder().setCorrect(v.cleanCorrect()).setBroken(v.broken());
                if (v.broken() && job.includeAdversarial() && v.adversarial() != null) {
                    Input.Builder point = Input.newBuilder();
                    for (double value : v.adversarial()) {
                        point.addValues(value);
                    }
                    s.setAdversarialInput(point);
                }
                broken += v.broken() ? 1 : 0;
                response.addSamples(s);
            }
            metrics.counter("robustcert.attack.images").increment(report.samples().size());
            metrics.counter("robustcert.attack.broken").increment(broken);
            return Uni.createFrom().item(response.setBrokenCount(broken).build());
        } catch (OutOfMemoryError e) {
            LOG.warnf("Attack %s ran out of memory: %s", request.getRequestId(), e.getMessage());
            return Uni.createFrom().failure(GrpcErrors.resourceExhausted("MEMORY_EXHAUSTED",
                    "the request needs more memory than this attacker has; send fewer inputs per request", Map.of()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Attack %s failed", request.getRequestId());
            return Uni.createFrom().failure(GrpcErrors.internal("attack failed: " + e.getClass().getSimpleName()));
        }
    }
}
