package io.robustcert.trainer.config;

import io.smallrye.config.ConfigMapping;
import java.nio.file.Path;

/** The trainer's settings ({@code robustcert.trainer.*} in application.properties). */
@ConfigMapping(prefix = "robustcert.trainer")
public interface TrainerConfig {

    /** Root of the content-addressed checkpoint store ({@code ROBUSTCERT_STORE_ROOT}); an absolute path. */
    Path storeRoot();

    /** The dataset root holding {@code mnist/} and the others ({@code ROBUSTCERT_DATA_DIR}). */
    Path dataDir();

    /** Test images evaluated after every epoch for the run's own progress figures. */
    int evalLimit();
}
