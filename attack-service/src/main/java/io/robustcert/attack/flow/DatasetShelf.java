package io.robustcert.attack.flow;

import io.robustcert.attack.config.FlowConfig;
import io.robustcert.attack.store.CheckpointException;
import io.robustcert.core.data.Dataset;
import io.robustcert.core.data.DatasetCatalog;
import io.robustcert.core.data.DatasetFormatException;
import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.data.DatasetLoader;
import io.robustcert.core.data.DatasetRef;
import io.robustcert.core.data.DatasetSource;
import io.robustcert.v1.DatasetSlice;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The catalog datasets under the data directory ({@code DIR/<dataset id>/}, as the CLI reads them),
 * checked against the catalog's checksums, loaded once per (dataset, split) and sliced per plan.
 */
@ApplicationScoped
public class DatasetShelf {

    private final Path root;
    private final Map<String, Dataset> loaded = new ConcurrentHashMap<>();

    public DatasetShelf(FlowConfig config) {
        this.root = config.dataDir();
    }

    /** Samples [start, start + count) of the slice's split (count 0: to the end). */
    public Samples slice(DatasetSlice slice) throws CheckpointException {
        DatasetKind kind;
        DatasetRef ref;
        try {
            kind = DatasetKind.byName(slice.getDataset());
            ref = new DatasetRef(kind, slice.getSplit(), DatasetRef.ALL);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException("PLAN_INVALID", "plan.dataset: " + e.getMessage());
        }
        Dataset data = loaded.computeIfAbsent(kind.id() + ":" + ref.split(), k -> load(ref));
        if (data == null) {
            throw new CheckpointException("DATASET_UNAVAILABLE", "dataset " + ref + " cannot be read from " + root
                    + " (ROBUSTCERT_DATA_DIR; scripts/fetch-data.sh downloads MNIST)");
        }
        int start = slice.getStartIndex();
        int end = slice.getCount() == 0 ? data.size() : start + slice.getCount();
        if (start < 0 || slice.getCount() < 0 || end > data.size() || start >= end) {
            throw new CheckpointException("PLAN_INVALID", "plan.dataset: samples [" + start + ", " + end + ") of "
                    + ref + " (" + data.size() + " samples)");
        }
        double[][] x = new double[end - start][];
        int[] y = new int[end - start];
        for (int i = start; i < end; i++) {
            x[i - start] = data.imageAsDoubles(i);
            y[i - start] = data.label(i);
        }
        return new Samples(kind.id() + ":" + ref.split() + "[" + start + "," + end + ")", x, y);
    }

    /** null when the files are missing or damaged (not cached: a later plan may find them fetched). */
    private Dataset load(DatasetRef ref) {
        Path dir = root.resolve(ref.kind().id());
        DatasetSource source = new DatasetSource() {
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
        try {
            return new DatasetLoader(DatasetCatalog.standard()).load(ref, source, DatasetLoader.Verification.STRICT);
        } catch (IOException | DatasetFormatException e) {
            return null;
        }
    }
}
