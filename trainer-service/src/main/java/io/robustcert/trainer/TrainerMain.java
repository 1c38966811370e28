package io.robustcert.trainer;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.robustcert.trainer.training.TrainJob;
import jakarta.inject.Inject;
import java.util.List;

/** Without arguments the gRPC service; with {@code --train-job} one Kubernetes training Job's run, then exit. */
@QuarkusMain
public class TrainerMain implements QuarkusApplication {

    @Inject
    TrainJob trainJob;

    @Override
    public int run(String... args) {
        if (args.length == 0) {
            Quarkus.waitForExit();
            return 0;
        }
        if (args.length == 1 && args[0].equals("--train-job")) {
            return trainJob.run(System.err);
        }
        System.err.println("trainer-service: unknown arguments " + List.of(args) + " (expected none, or --train-job)");
        return 2;
    }
}
