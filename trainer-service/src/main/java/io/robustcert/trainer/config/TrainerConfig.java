package io.robustcert.trainer.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.util.Optional;

/** The trainer's settings ({@code robustcert.trainer.*} in application.properties). */
@ConfigMapping(prefix = "robustcert.trainer")
public interface TrainerConfig {

    /** Root of the content-addressed checkpoint store ({@code ROBUSTCERT_STORE_ROOT}); an absolute path. */
    Path storeRoot();

    /** The dataset root holding {@code mnist/} and the others ({@code ROBUSTCERT_DATA_DIR}). */
    Path dataDir();

    /** Test images evaluated after every epoch for the run's own progress figures. */
    int evalLimit();

    /** Where runs train: here, or as Kubernetes Jobs when a namespace is set. */
    Kubernetes kubernetes();

    interface Kubernetes {
        /** The namespace of the training Jobs ({@code ROBUSTCERT_KUBERNETES_NAMESPACE}); unset = train locally. */
        Optional<String> namespace();

        /** The PodTemplate the Jobs' pods are made from ({@code ROBUSTCERT_KUBERNETES_JOB_TEMPLATE}). */
        @WithDefault("robustcert-trainer-job")
        String jobTemplate();

        /** The container of that template that trains. */
        @WithDefault("trainer")
        String container();

        /** Pod failures a Job retries before it fails. */
        @WithDefault("3")
        int backoffLimit();

        /** How long a finished Job stays (its pod's logs with it) before Kubernetes deletes it. */
        @WithDefault("86400")
        int ttlSecondsAfterFinished();
    }
}
