package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --train-job} refuses a spec it cannot train with exit code 2 and one line naming the problem. */
@QuarkusMainTest
@TestProfile(TrainJobTest.InvalidSpec.class)
class TrainJobTest {

    /** A spec as TrainingJobFactory writes it (proto JSON), with a negative ε; no broker is needed to refuse it. */
    public static class InvalidSpec implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:1", "robustcert.run.id", "run-1", "robustcert.training.spec",
                    "{\"method\":\"TRAINING_METHOD_IBP\",\"epsilon\":-1,\"epochs\":1,\"batchSize\":64,\"learningRate\":0.001}");
        }
    }

    @Test
    @Launch(value = "--train-job", exitCode = 2)
    void anInvalidSpecExitsWithTwo(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("train-job: invalid spec: "), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("spec.epsilon"), result.getErrorOutput());
    }
}
