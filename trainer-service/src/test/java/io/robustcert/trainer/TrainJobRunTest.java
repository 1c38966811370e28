package io.robustcert.trainer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainLauncher;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.robustcert.testing.kafka.KafkaBroker;
import io.robustcert.testing.kafka.KafkaBrokers;
import io.robustcert.trainer.kubernetes.TrainingJobFactory;
import io.robustcert.v1.CheckpointCreated;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@code --train-job} as a training Job's pod runs it: the spec the trainer put into the Job (proto JSON),
 * trained on real MNIST, its checkpoint announced on a real broker under the run's id, exit code 0.
 */
@QuarkusMainTest
@TestProfile(TrainJobRunTest.AJobsRun.class)
class TrainJobRunTest {

    static final String RUN_ID = "training-job-run-test";

    public static class AJobsRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("robustcert.run.id", RUN_ID,
                    "robustcert.training.spec", TrainingJobFactory.specJson(TrainerClient.mnist(128, 1).build()));
        }
    }

    /** The broker outlives the Job's process, as on a cluster: the announcement is read after the Job exited. */
    @Test
    void theJobTrainsAndAnnouncesItsCheckpointUnderTheRunsId(QuarkusMainLauncher launcher) throws Exception {
        String key = RUN_ID + "-epoch-1";
        CheckpointCreated event;
        try (KafkaBroker broker = KafkaBrokers.start()) {
            System.setProperty("kafka.bootstrap.servers", broker.bootstrapServers());
            LaunchResult result;
            try {
                result = launcher.launch("--train-job");
            } finally {
                System.clearProperty("kafka.bootstrap.servers");
            }
            assertEquals(0, result.exitCode(), result.getErrorOutput());
            event = CheckpointTopic.read(broker.bootstrapServers(), Set.of(key)).get(key);
        }
        assertEquals(RUN_ID, event.getTrainingId());
        assertEquals(1, event.getEpoch());
        assertEquals(2, event.getStep(), "128 images in batches of 64");
    }
}
