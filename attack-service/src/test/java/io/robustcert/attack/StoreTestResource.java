package io.robustcert.attack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.robustcert.core.testing.RealMnist;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** A fresh checkpoint store in a temporary directory, and the real MNIST directory, for the flow tests. */
public final class StoreTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        try {
            Path root = Files.createTempDirectory("robustcert-store").toRealPath();
            return Map.of("robustcert.store.root", root.toString(),
                    "robustcert.data.dir", RealMnist.dataDir().toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
        // the temporary store is left to the OS's temp cleaning: it holds a few copies of a small model
    }
}
