package io.robustcert.trainer.training;

import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.train.TrainingConfig;
import io.robustcert.trainer.config.TrainerConfig;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.DatasetSlice;
import io.robustcert.v1.EvaluationPlan;
import io.robustcert.v1.TrainingMethod;
import io.robustcert.v1.TrainingSpec;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns a {@link TrainingSpec} into core's {@code TrainingConfig}, naming every invalid field (with the
 * caller's path prefix, e.g. {@code spec.} or {@code base.}) before any work starts.
 */
@ApplicationScoped
public class TrainingSpecReader {

    static final int MAX_EPOCHS = 1000;
    static final int MAX_BATCH = 4096;
    static final int MAX_EPSILONS = 32;
    /** Model given by name when the spec has no architecture. */
    static final String DEFAULT_MODEL = "mnist_small";

    private final int evalLimit;

    public TrainingSpecReader(TrainerConfig config) {
        this.evalLimit = config.evalLimit();
    }

    public TrainingPlan read(TrainingSpec spec, String prefix) throws InvalidRequestException {
        Violations v = new Violations();
        Map<String, String> settings = settings(spec, prefix, v);
        evaluationPlan(spec.getEvaluationPlan(), prefix + "evaluation_plan.", v);
        v.throwIfAny();
        try {
            return new TrainingPlan(TrainingConfig.of(null, List.of(settings)), spec.getEvaluationPlan());
        } catch (IllegalArgumentException e) {
            // What core refuses beyond the checks above: an architecture it cannot build, mostly.
            String field = e.getMessage().startsWith("model") ? prefix + "architecture_json" : prefix.substring(0, prefix.length() - 1);
            v.add(field, e.getMessage());
            throw v.exception();
        }
    }

    private Map<String, String> settings(TrainingSpec spec, String prefix, Violations v) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("model", spec.getArchitectureJson().isBlank() ? DEFAULT_MODEL : spec.getArchitectureJson());
        DatasetSlice data = spec.getDataset();
        String dataset = data.getDataset().isEmpty() ? DatasetKind.MNIST.id() : data.getDataset();
        DatasetKind kind = datasetKind(dataset, prefix + "dataset.dataset", v);
        s.put("dataset", dataset);
        if (!data.getSplit().isEmpty() && !data.getSplit().equals(DatasetRef.TRAIN)) {
            v.add(prefix + "dataset.split", "training reads the train split, got '" + data.getSplit() + "'");
        }
        if (data.getStartIndex() != 0) {
            v.add(prefix + "dataset.start_index", "training slices start at 0 (use count to limit them), got " + data.getStartIndex());
        }
        v.range(prefix + "dataset.count", data.getCount(), 0, kind == null ? Integer.MAX_VALUE : kind.size(DatasetRef.TRAIN));
        s.put("train_limit", Integer.toString(Math.max(data.getCount(), 0)));
        s.put("eval_limit", Integer.toString(evalLimit));
        s.put("method", methodName(spec.getMethod(), prefix + "method", v));
        v.finiteIn(prefix + "epsilon", spec.getEpsilon(), 0, 1);
        s.put("epsilon", Double.toString(spec.getEpsilon()));
        v.range(prefix + "epochs", spec.getEpochs(), 1, MAX_EPOCHS);
        s.put("epochs", Integer.toString(spec.getEpochs()));
        v.range(prefix + "batch_size", spec.getBatchSize(), 1, MAX_BATCH);
        s.put("batch_size", Integer.toString(spec.getBatchSize()));
        if (!(spec.getLearningRate() > 0 && spec.getLearningRate() <= 10)) {
            v.add(prefix + "learning_rate", "must be a finite number in (0, 10], got " + spec.getLearningRate());
        }
        s.put("lr", Double.toString(spec.getLearningRate()));
        s.put("seed", Long.toString(spec.getSeed()));
        v.range(prefix + "warmup_epochs", spec.getWarmupEpochs(), 0, MAX_EPOCHS);
        v.range(prefix + "ramp_epochs", spec.getRampEpochs(), 0, MAX_EPOCHS);
        if (spec.getEpochs() >= 1 && spec.getWarmupEpochs() >= 0 && spec.getRampEpochs() >= 0
                && (long) spec.getWarmupEpochs() + spec.getRampEpochs() > spec.getEpochs()) {
            v.add(prefix + "ramp_epochs", "warm-up (" + spec.getWarmupEpochs() + ") plus ramp (" + spec.getRampEpochs()
                    + ") epochs exceed the run's " + spec.getEpochs() + " epochs");
        }
        // core's ramp: ε is 0 before epoch schedule_start and reaches its target at the end of epoch
        // schedule_start + schedule_length − 2, i.e. after ramp_epochs epochs of ramp.
        s.put("schedule_start", Integer.toString(Math.max(spec.getWarmupEpochs(), 0)));
        s.put("schedule_length", Integer.toString(Math.max(spec.getRampEpochs(), 0) + 1));
        v.range(prefix + "checkpoint_every_epochs", spec.getCheckpointEveryEpochs(), 0, Math.max(spec.getEpochs(), 0));
        int every = spec.getCheckpointEveryEpochs() > 0 ? spec.getCheckpointEveryEpochs() : spec.getEpochs();
        s.put("checkpoint_every", Integer.toString(Math.max(every, 1)));
        return s;
    }

    /** The plan travels as given (unset fields mean the platform defaults); here only its values are checked. */
    private static void evaluationPlan(EvaluationPlan plan, String prefix, Violations v) {
        DatasetSlice d = plan.getDataset();
        if (!d.getDataset().isEmpty()) {
            datasetKind(d.getDataset(), prefix + "dataset.dataset", v);
        }
        if (!d.getSplit().isEmpty() && !List.of(DatasetRef.TRAIN, DatasetRef.TEST).contains(d.getSplit())) {
            v.add(prefix + "dataset.split", "must be train or test, got '" + d.getSplit() + "'");
        }
        v.range(prefix + "dataset.start_index", d.getStartIndex(), 0, Integer.MAX_VALUE);
        v.range(prefix + "dataset.count", d.getCount(), 0, Integer.MAX_VALUE);
        v.range(prefix + "epsilons", plan.getEpsilonsCount(), 0, MAX_EPSILONS);
        for (int i = 0; i < plan.getEpsilonsCount(); i++) {
            v.finiteIn(prefix + "epsilons[" + i + "]", plan.getEpsilons(i), 0, 1);
        }
        for (int i = 0; i < plan.getMethodsCount(); i++) {
            BoundMethod m = plan.getMethods(i);
            if (m == BoundMethod.BOUND_METHOD_UNSPECIFIED || m == BoundMethod.UNRECOGNIZED) {
                v.add(prefix + "methods[" + i + "]", "must be a bound method (IBP, CROWN_IBP or CROWN)");
            }
        }
        v.range(prefix + "shard_size", plan.getShardSize(), 0, Integer.MAX_VALUE);
        if (plan.getAttack().hasSteps()) {
            v.range(prefix + "attack.steps", plan.getAttack().getSteps(), 1, 10_000);
        }
        if (plan.getAttack().hasRestarts()) {
            v.range(prefix + "attack.restarts", plan.getAttack().getRestarts(), 1, 1_000);
        }
    }

    private static DatasetKind datasetKind(String name, String field, Violations v) {
        try {
            return DatasetKind.byName(name);
        } catch (IllegalArgumentException e) {
            v.add(field, e.getMessage());
            return null;
        }
    }

    static String methodName(TrainingMethod method, String field, Violations v) {
        return switch (method) {
            case TRAINING_METHOD_IBP -> "ibp";
            case TRAINING_METHOD_CROWN_IBP -> "crown-ibp";
            case TRAINING_METHOD_CROWN_IBP_GRADIENT_SLOPES -> "ours";
            case TRAINING_METHOD_CAP -> "cap";
            default -> {
                v.add(field, "must be a training method (IBP, CROWN_IBP, CROWN_IBP_GRADIENT_SLOPES or CAP), got " + method);
                yield "ibp";
            }
        };
    }
}
