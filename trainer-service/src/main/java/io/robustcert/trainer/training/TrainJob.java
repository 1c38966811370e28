package io.robustcert.trainer.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.trainer.kubernetes.TrainingJobFactory;
import io.robustcert.trainer.kubernetes.TrainingRequest;
import io.robustcert.v1.AttackSpec;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code --train-job}: the body of a Kubernetes training Job's pod. Reads the run that
 * {@link TrainingJobFactory} put into {@code ROBUSTCERT_TRAINING_REQUEST} and {@code ROBUSTCERT_RUN_ID},
 * trains it like a local run (checkpoints into the store, CheckpointCreated on Kafka) and returns the exit
 * code: 0 succeeded, 1 failed, 2 the request is missing or invalid.
 */
@ApplicationScoped
public class TrainJob {

    /** Settings a Job request does not carry: the short CPU-scale run of the main job. */
    static final int BATCH_SIZE = 64;
    static final double LEARNING_RATE = 1e-3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Map<String, TrainingMethod> METHODS = Map.of("ibp", TrainingMethod.TRAINING_METHOD_IBP,
            "crown-ibp", TrainingMethod.TRAINING_METHOD_CROWN_IBP, "ours", TrainingMethod.TRAINING_METHOD_CROWN_IBP_GRADIENT_SLOPES,
            "cap", TrainingMethod.TRAINING_METHOD_CAP);
    private static final Map<String, BoundMethod> BOUNDS = Map.of("ibp", BoundMethod.BOUND_METHOD_IBP,
            "crown-ibp", BoundMethod.BOUND_METHOD_CROWN_IBP, "crown", BoundMethod.BOUND_METHOD_CROWN);
    private static final Map<String, AttackSpec.Preset> ATTACKS = Map.of("platform-default", AttackSpec.Preset.PRESET_PLATFORM_DEFAULT,
            "spec-evaluation", AttackSpec.Preset.PRESET_SPEC_EVALUATION, "fgsm", AttackSpec.Preset.PRESET_FGSM);

    private final TrainingSpecReader reader;
    private final LocalTraining training;
    private final Optional<String> request;
    private final Optional<String> runId;

    public TrainJob(TrainingSpecReader reader, LocalTraining training,
                    @ConfigProperty(name = "robustcert.training.request") Optional<String> request,
                    @ConfigProperty(name = "robustcert.run.id") Optional<String> runId) {
        this.reader = reader;
        this.training = training;
        this.request = request;
        this.runId = runId;
    }

    public int run(PrintStream err) {
        if (request.isEmpty() || runId.isEmpty() || !runId.get().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            err.println("train-job: " + TrainingJobFactory.ENV_REQUEST + " and " + TrainingJobFactory.ENV_RUN_ID
                    + " (lowercase letters, digits and '-') must be set");
            return 2;
        }
        TrainingRun run;
        try {
            TrainingRequest r = JSON.readValue(request.get(), TrainingRequest.class);
            r.validate();
            run = new TrainingRun(runId.get(), reader.read(spec(r), "request."));
        } catch (JsonProcessingException e) {
            err.println("train-job: " + TrainingJobFactory.ENV_REQUEST + " is not a training request: " + e.getOriginalMessage());
            return 2;
        } catch (InvalidRequestException | IllegalArgumentException e) {
            err.println("train-job: invalid request: " + e.getMessage());
            return 2;
        }
        training.run(run);
        if (run.progress().getState() != TrainingState.TRAINING_STATE_SUCCEEDED) {
            err.println("train-job: run " + run.id() + " ended " + run.progress().getState()
                    + (run.failure() == null ? "" : ": " + run.failure()));
            return 1;
        }
        return 0;
    }

    /** The request as a TrainingSpec: one warm-up epoch at ε = 0 (when there are two or more), then the ramp. */
    static TrainingSpec spec(TrainingRequest r) {
        int warmup = r.epochs() > 1 ? 1 : 0;
        TrainingSpec.Builder spec = TrainingSpec.newBuilder().setMethod(named(METHODS, "method", r.method()))
                .setDataset(DatasetSlice.newBuilder().setDataset(r.dataset()).setSplit("train")).setEpsilon(r.epsilon())
                .setEpochs(r.epochs()).setBatchSize(BATCH_SIZE).setLearningRate(LEARNING_RATE).setSeed(r.seed())
                .setWarmupEpochs(warmup).setRampEpochs(Math.max(r.epochs() - warmup - 1, 0)).setCheckpointEveryEpochs(1);
        if (r.evaluationPlan() != null) {
            var p = r.evaluationPlan();
            EvaluationPlan.Builder plan = EvaluationPlan.newBuilder()
                    .setDataset(DatasetSlice.newBuilder().setDataset(r.dataset()).setSplit(p.datasetSplit()))
                    .addAllEpsilons(p.epsilons());
            p.boundMethods().forEach(m -> plan.addMethods(named(BOUNDS, "evaluation_plan.bound_methods", m)));
            plan.setAttack(AttackSpec.newBuilder().setPreset(named(ATTACKS, "evaluation_plan.attack_preset", p.attackPreset())));
            spec.setEvaluationPlan(plan);
        }
        return spec.build();
    }

    private static <T> T named(Map<String, T> table, String field, String name) {
        T t = name == null ? null : table.get(name.toLowerCase(Locale.ROOT));
        if (t == null) {
            throw new IllegalArgumentException(field + " must be one of " + table.keySet() + ", got '" + name + "'");
        }
        return t;
    }
}
