package io.robustcert.core.testing;

import io.robustcert.core.data.DataFixtures;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetCatalog;
import io.robustcert.core.data.DatasetFormatException;
import io.robustcert.core.data.DatasetLoader;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.data.DatasetSource;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real MNIST and a model naturally trained on it, for the tests that need real data.
 *
 * <p>The data are where {@code scripts/fetch-data.sh} puts them and where the CLI looks:
 * {@code $ROBUSTCERT_DATA_DIR/mnist}, default {@code ~/.robustcert/data/mnist}. CI runs the script before
 * the tests; a missing directory fails the test with that instruction (never a silent skip).
 */
public final class RealMnist {

    /** The committed model: mnist_small trained naturally (see models/make_natural_mnist_small.py). */
    public static final String NATURAL_MODEL = "/models/mnist_small_natural.safetensors";

    private RealMnist() {
    }

    /** The dataset root (the directory holding {@code mnist/}). */
    public static Path dataDir() {
        String env = System.getenv("ROBUSTCERT_DATA_DIR");
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".robustcert",
                "data");
    }

    /** The first {@code n} test images, checked against the catalog's checksums. */
    public static Dataset test(int n) {
        return split("test", n);
    }

    /** The first {@code n} training images, checked against the catalog's checksums. */
    public static Dataset train(int n) {
        return split("train", n);
    }

    private static Dataset split(String split, int n) {
        Path dir = dataDir().resolve("mnist");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("MNIST not found in " + dir + ": run scripts/fetch-data.sh (or set "
                    + "ROBUSTCERT_DATA_DIR to where it put the data)");
        }
        DatasetSource source = DataFixtures.directory(dir);
        try {
            return new DatasetLoader(DatasetCatalog.standard()).load(DatasetRef.parse("mnist:" + split + ":" + n), source,
                    DatasetLoader.Verification.STRICT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (DatasetFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The images of a dataset as float64 rows (the float32 values of value/255, exactly). */
    public static double[][] inputs(Dataset d) {
        double[][] x = new double[d.size()][];
        for (int i = 0; i < x.length; i++) {
            x[i] = d.imageAsDoubles(i);
        }
        return x;
    }

    public static Network naturalModel() {
        try (InputStream in = Fixtures.resource(NATURAL_MODEL)) {
            return ModelFile.read(in, ModelFile.DEFAULT_MAX_BYTES, null).network();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ModelFormatException e) {
            throw new IllegalStateException(e);
        }
    }
}
