package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code --train-job} refuses a request it cannot train with exit code 2 and one line naming the problem. */
@QuarkusMainTest
@TestProfile(TrainJobTest.BadRequest.class)
class TrainJobTest {

    /** A request as TrainingJobFactory writes it, with an unknown method and a negative ε; no broker is needed to refuse it. */
    public static class BadRequest implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("kafka.bootstrap.servers", "127.0.0.1:1", "robustcert.run.id", "run-1", "robustcert.training.request",
                    "{\"method\":\"sgd\",\"epsilon\":-1,\"seed\":1,\"dataset\":\"mnist\",\"epochs\":1,"
                            + "\"checkpointStore\":\"/var/lib/robustcert/checkpoints\",\"evaluationPlan\":null}");
        }
    }

    @Test
    @Launch(value = "--train-job", exitCode = 2)
    void anInvalidRequestExitsWithTwo(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("train-job: invalid request: "), result.getErrorOutput());
        assertTrue(result.getErrorOutput().contains("epsilon"), result.getErrorOutput());
    }
}
