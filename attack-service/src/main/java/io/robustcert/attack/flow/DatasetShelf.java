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
        Bounds b = bounds(slice);
        return copy(b, 0, b.end() - b.start());
    }

    /** Samples [from, from + count) of the slice (one shard of it): only those are copied. */
    public Samples slice(DatasetSlice slice, int from, int count) throws CheckpointException {
        Bounds b = bounds(slice);
        if (from < 0 || count < 0 || (long) from + count > b.end() - b.start()) {
            throw new CheckpointException("PLAN_INVALID", "samples [" + from + ", " + ((long) from + count)
                    + ") are not within the slice's " + (b.end() - b.start()));
        }
        return copy(b, from, count);
    }

    /** How many samples the slice holds, checked as {@link #slice} checks it, without copying them. */
    public int size(DatasetSlice slice) throws CheckpointException {
        Bounds b = bounds(slice);
        return b.end() - b.start();
    }

    /** The slice's samples [start, end) of its split's dataset, named {@code dataset:split}. */
    private record Bounds(Dataset data, String name, int start, int end) {
    }

    private Bounds bounds(DatasetSlice slice) throws CheckpointException {
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
        return new Bounds(data, kind.id() + ":" + ref.split(), start, end);
    }

    private static Samples copy(Bounds b, int from, int count) {
        int first = b.start() + from;
        double[][] x = new double[count][];
        int[] y = new int[count];
        for (int i = 0; i < count; i++) {
            x[i] = b.data().imageAsDoubles(first + i);
            y[i] = b.data().label(first + i);
        }
        return new Samples(b.name() + "[" + first + "," + (first + count) + ")", x, y);
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
