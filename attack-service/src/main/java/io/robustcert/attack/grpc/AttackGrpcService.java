package io.robustcert.attack.grpc;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.grpc.GrpcService;
import com.google.longrunning.Operation;
import com.google.protobuf.Any;
import com.google.rpc.BadRequest;
import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.flow.CheckpointRequests;
import io.robustcert.attack.messaging.BrokerUnavailableException;
import io.robustcert.attack.messaging.EventPublisher;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.v1.AttackCheckpointRequest;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationProgress;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * AttackService over gRPC: checks the request, runs core's attack-only {@link Evaluator} (clean verdict and
 * PGD, each broken point checked in float64) on a worker thread, and maps failures to canonical codes with
 * error details. AttackCheckpoint attacks a stored checkpoint on request ({@link CheckpointRequests}).
 */
@GrpcService
public class AttackGrpcService extends MutinyAttackServiceGrpc.AttackServiceImplBase {

    private static final Logger LOG = Logger.getLogger(AttackGrpcService.class);

    private final FlowConfig config;
    private final MeterRegistry metrics;
    private final CheckpointRequests checkpoints;
    private final EventPublisher publisher;
    private final InFlightRequests inFlight;

    public AttackGrpcService(FlowConfig config, MeterRegistry metrics, CheckpointRequests checkpoints,
                             EventPublisher publisher, InFlightRequests inFlight) {
        this.inFlight = inFlight;
        this.config = config;
        this.metrics = metrics;
        this.checkpoints = checkpoints;
        this.publisher = publisher;
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
            List<BadRequest.FieldViolation> v = reader.violations();
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(v.get(0).getField() + ": "
                    + v.get(0).getDescription() + (v.size() > 1 ? " (and " + (v.size() - 1) + " more)" : ""), v));
        }
        try (InFlightRequests.Permit permit = inFlight.acquire()) {
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
        } catch (InFlightRequests.TooManyRequestsException e) {
            return Uni.createFrom().failure(busy(e));
        } catch (OutOfMemoryError e) {
            LOG.warnf("Attack %s ran out of memory: %s", request.getRequestId(), e.getMessage());
            return Uni.createFrom().failure(GrpcErrors.resourceExhausted("MEMORY_EXHAUSTED",
                    "the request needs more memory than this attacker has; send fewer inputs per request", Map.of()));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Attack %s failed", request.getRequestId());
            return Uni.createFrom().failure(GrpcErrors.internal("attack failed: " + e.getClass().getSimpleName()));
        }
    }

    /**
     * Attacks a stored checkpoint at one ε now (on a worker thread) and answers with a finished operation
     * whose response is the AttackCompleted it also published for the report; a repeated request recomputes
     * nothing (results are kept per idempotent key).
     */
    @Override
    @Blocking
    public Uni<Operation> attackCheckpoint(AttackCheckpointRequest request) {
        List<BadRequest.FieldViolation> v = new ArrayList<>();
        String id = request.getCheckpoint().getCheckpointId();
        if (id.isEmpty()) {
            v.add(violation("checkpoint.checkpoint_id", "required"));
        }
        if (request.getPlan().getEpsilonsCount() != 1) {
            v.add(violation("plan.epsilons", "exactly one epsilon per operation (its response is one AttackCompleted), got "
                    + request.getPlan().getEpsilonsCount()));
        }
        if (request.getPlan().getShardSize() != 0) {
            v.add(violation("plan.shard_size", "must be 0: AttackCheckpoint attacks the whole slice (its response is one "
                    + "AttackCompleted), got " + request.getPlan().getShardSize()));
        }
        if (!v.isEmpty()) {
            return Uni.createFrom().failure(GrpcErrors.invalidArgument(v.get(0).getField() + ": " + v.get(0).getDescription(), v));
        }
        try (InFlightRequests.Permit permit = inFlight.acquire()) {
            CheckpointCreated event = CheckpointCreated.newBuilder().setMeta(publisher.meta(""))
                    .setCheckpoint(request.getCheckpoint()).setPlan(request.getPlan()).build();
            AttackCompleted result = checkpoints.attack(event).get(0);
            return Uni.createFrom().item(Operation.newBuilder().setName("attacks/" + id).setDone(true)
                    .setMetadata(Any.pack(EvaluationProgress.newBuilder().setCheckpointId(id).setShardsDone(1)
                            .setShardsTotal(1).build()))
                    .setResponse(Any.pack(result)).build());
        } catch (CheckpointException e) {
            return Uni.createFrom().failure(switch (e.reason()) {
                case "PLAN_INVALID" -> GrpcErrors.invalidArgument(e.getMessage(), List.of(violation("plan", e.getMessage())));
                case "CHECKPOINT_UNSAFE_URI" -> GrpcErrors.invalidArgument(e.getMessage(),
                        List.of(violation("checkpoint.uri", e.getMessage())));
                case "CHECKPOINT_NOT_FOUND" -> GrpcErrors.notFound(e.reason(), e.getMessage(), Map.of());
                case "CHECKPOINT_TOO_LARGE" -> GrpcErrors.resourceExhausted(e.reason(), e.getMessage(), Map.of());
                default -> GrpcErrors.failedPrecondition(e.reason(), e.getMessage());
            });
        } catch (InFlightRequests.TooManyRequestsException e) {
            return Uni.createFrom().failure(busy(e));
        } catch (BrokerUnavailableException e) {
            return Uni.createFrom().failure(GrpcErrors.unavailable("BROKER_UNAVAILABLE",
                    "the result could not be published: " + e.getMessage()));
        } catch (RuntimeException | OutOfMemoryError e) {
            LOG.errorf(e, "AttackCheckpoint %s failed", id);
            return Uni.createFrom().failure(GrpcErrors.internal("attack failed: " + e.getClass().getSimpleName()));
        }
    }

    private static io.grpc.StatusRuntimeException busy(InFlightRequests.TooManyRequestsException e) {
        return GrpcErrors.resourceExhausted("TOO_MANY_REQUESTS", e.getMessage(),
                Map.of("maxConcurrentRequests", Integer.toString(e.limit())));
    }

    private static BadRequest.FieldViolation violation(String field, String description) {
        return BadRequest.FieldViolation.newBuilder().setField(field).setDescription(description).build();
    }
}
