package io.robustcert.trainer.training;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetCatalog;
import io.robustcert.core.data.DatasetFormatException;
import io.robustcert.core.data.DatasetLoader;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.data.DatasetSource;
import io.robustcert.trainer.config.TrainerConfig;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The datasets under the data root ({@code ROBUSTCERT_DATA_DIR/<id>/}, where scripts/fetch-data.sh puts
 * MNIST), checked against the catalog's checksums on first use and then kept, so a sweep reads each once.
 */
@ApplicationScoped
public class Datasets {

    private final Path root;
    private final Map<String, Dataset> loaded = new ConcurrentHashMap<>();

    public Datasets(TrainerConfig config) {
        this.root = config.dataDir().toAbsolutePath().normalize();
    }

    /** A whole split, e.g. {@code mnist:train}. */
    public Dataset load(String ref) throws IOException, DatasetFormatException {
        Dataset d = loaded.get(ref);
        if (d == null) {
            d = read(DatasetRef.parse(ref));
            loaded.put(ref, d);
        }
        return d;
    }

    private Dataset read(DatasetRef ref) throws IOException, DatasetFormatException {
        Path dir = root.resolve(ref.name()).normalize();
        if (!dir.startsWith(root) || !Files.isDirectory(dir)) {
            throw new IOException("dataset " + ref + ": directory " + dir + " not found (set ROBUSTCERT_DATA_DIR; "
                    + "scripts/fetch-data.sh downloads MNIST)");
        }
        DatasetSource files = new DatasetSource() {
            @Override
            public InputStream open(String name) throws IOException {
                Path p = dir.resolve(name).normalize();
                return p.startsWith(dir) && Files.isRegularFile(p) ? Files.newInputStream(p) : null;
            }

            @Override
            public String describe(String name) {
                return dir.resolve(name).toString();
            }
        };
        return new DatasetLoader(DatasetCatalog.standard()).load(ref, files, DatasetLoader.Verification.STRICT);
    }
}
