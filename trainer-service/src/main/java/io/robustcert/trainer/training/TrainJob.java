package io.robustcert.trainer.training;

import com.google.protobuf.InvalidProtocolBufferException;
import io.robustcert.trainer.kubernetes.TrainingJobFactory;
import io.robustcert.v1.TrainingSpec;
import io.robustcert.v1.TrainingState;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.PrintStream;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code --train-job}: the body of a Kubernetes training Job's pod. Reads the run that
 * {@link TrainingJobFactory} put into {@code ROBUSTCERT_TRAINING_SPEC} (the whole TrainingSpec as proto JSON)
 * and {@code ROBUSTCERT_RUN_ID}, validates it as StartTraining does, trains it like a local run (checkpoints
 * into the store, CheckpointCreated on Kafka, the run id as training id) and returns the exit code:
 * 0 succeeded, 1 failed, 2 the spec is missing or invalid.
 */
@ApplicationScoped
public class TrainJob {

    private final TrainingSpecReader reader;
    private final LocalTraining training;
    private final Optional<String> spec;
    private final Optional<String> runId;

    public TrainJob(TrainingSpecReader reader, LocalTraining training,
                    @ConfigProperty(name = "robustcert.training.spec") Optional<String> spec,
                    @ConfigProperty(name = "robustcert.run.id") Optional<String> runId) {
        this.reader = reader;
        this.training = training;
        this.spec = spec;
        this.runId = runId;
    }

    public int run(PrintStream err) {
        if (spec.isEmpty() || runId.isEmpty() || !runId.get().matches("[a-z0-9][a-z0-9-]{0,62}")) {
            err.println("train-job: " + TrainingJobFactory.ENV_SPEC + " and " + TrainingJobFactory.ENV_RUN_ID
                    + " (lowercase letters, digits and '-') must be set");
            return 2;
        }
        TrainingRun run;
        try {
            TrainingSpec s = TrainingJobFactory.readSpec(spec.get());
            run = new TrainingRun(runId.get(), reader.read(s, "spec."), s);
        } catch (InvalidProtocolBufferException e) {
            err.println("train-job: " + TrainingJobFactory.ENV_SPEC + " is not a TrainingSpec: " + e.getMessage());
            return 2;
        } catch (InvalidRequestException e) {
            err.println("train-job: invalid spec: " + e.getMessage());
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
}
