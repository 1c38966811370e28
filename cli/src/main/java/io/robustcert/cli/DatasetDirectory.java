package io.robustcert.cli;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetCatalog;
import io.robustcert.core.data.DatasetFormatException;
import io.robustcert.core.data.DatasetLoader;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.data.DatasetSource;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where datasets live on this machine: {@code --data-dir DIR}, else {@code $ROBUSTCERT_DATA_DIR}, else
 * {@code ~/.robustcert/data}; each dataset in a subdirectory named by its id ({@code mnist/},
 * {@code fashion-mnist/}, {@code cifar10/}, {@code svhn/}) holding its published files or their
 * uncompressed copies ({@code scripts/fetch-data.sh} puts MNIST there).
 */
final class DatasetDirectory implements DatasetSource {

    static final String ENV = "ROBUSTCERT_DATA_DIR";

    private final Path root;

    private DatasetDirectory(Path root) {
        this.root = root;
    }

    /** The directory for one dataset under the chosen root. */
    static DatasetDirectory of(Path option, String datasetId) {
        return new DatasetDirectory(root(option).resolve(datasetId));
    }

    static Path root(Path option) {
        if (option != null) {
            return option;
        }
        String env = System.getenv(ENV);
        return env != null && !env.isBlank() ? Path.of(env) : Path.of(System.getProperty("user.home"), ".robustcert",
                "data");
    }

    /** Loads {@code ref}, checking the files against the catalog's published checksums. */
    static Dataset load(DatasetRef ref, Path option) throws UserInputException {
        DatasetDirectory dir = of(option, ref.name());
        if (!Files.isDirectory(dir.root)) {
            throw new UserInputException("dataset " + ref + ": directory " + dir.root + " not found (set --data-dir or "
                    + ENV + "; scripts/fetch-data.sh downloads MNIST)");
        }
        try {
            return new DatasetLoader(DatasetCatalog.standard()).load(ref, dir, DatasetLoader.Verification.STRICT);
        } catch (FileNotFoundException e) {
            throw new UserInputException("dataset " + ref + ": " + e.getMessage());
        } catch (DatasetFormatException e) {
            throw new UserInputException("dataset " + ref + ": " + e.getMessage());
        } catch (IOException e) {
            throw new UserInputException("dataset " + ref + ": cannot read " + dir.root + ": " + InputFiles.describe(e));
        }
    }

    /** Only plain relative names below the directory; anything else is absent. */
    @Override
    public InputStream open(String name) throws IOException {
        Path p = resolve(name);
        return p != null && Files.isRegularFile(p) ? Files.newInputStream(p) : null;
    }

    @Override
    public String describe(String name) {
        Path p = resolve(name);
        return p == null ? name : p.toString();
    }

    private Path resolve(String name) {
        Path p = root.resolve(name).normalize();
        return p.startsWith(root.normalize()) && !Path.of(name).isAbsolute() ? p : null;
    }
}
