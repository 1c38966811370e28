package io.robustcert.core.data;

import java.util.Objects;

/**
 * A reference to a dataset split and optionally its first N examples, written
 * {@code NAME:SPLIT[:N]}: {@code mnist:test:100}, {@code cifar10:train}.
 *
 * @param kind  the dataset
 * @param split {@link #TRAIN} or {@link #TEST}
 * @param limit the number of leading examples to use, or {@link #ALL}
 */
public record DatasetRef(DatasetKind kind, String split, int limit) {

    public static final String TRAIN = "train";
    public static final String TEST = "test";
    public static final int ALL = -1;

    public DatasetRef {
        Objects.requireNonNull(kind, "kind");
        if (!TRAIN.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException("unknown split '" + split + "': expected train or test");
        }
        if (limit != ALL && limit <= 0) {
            throw new IllegalArgumentException("the number of examples must be a positive integer, got " + limit);
        }
    }

    /** Parses {@code NAME:SPLIT[:N]}; the message of the exception names what is wrong. */
    public static DatasetRef parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty dataset reference: expected NAME:SPLIT[:N], e.g. mnist:test:100");
        }
        String[] parts = text.trim().split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("dataset reference '" + text
                    + "' must be NAME:SPLIT[:N], e.g. mnist:test:100 or cifar10:train");
        }
        DatasetKind kind;
        try {
            kind = DatasetKind.byName(parts[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("dataset reference '" + text + "': " + e.getMessage());
        }
        String split = parts[1].trim();
        if (!TRAIN.equals(split) && !TEST.equals(split)) {
            throw new IllegalArgumentException("dataset reference '" + text + "': unknown split '" + split
                    + "', expected train or test");
        }
        int limit = ALL;
        if (parts.length == 3) {
            String n = parts[2].trim();
            if (!n.matches("[0-9]+")) {
                throw new IllegalArgumentException("dataset reference '" + text + "': '" + n
                        + "' is not a number of examples (a positive integer)");
            }
            try {
                limit = Integer.parseInt(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("dataset reference '" + text + "': " + n + " examples is too many");
            }
            if (limit <= 0) {
                throw new IllegalArgumentException("dataset reference '" + text
                        + "': the number of examples must be at least 1");
            }
            if (limit > kind.size(split)) {
                throw new IllegalArgumentException("dataset reference '" + text + "': " + kind.id() + " " + split
                        + " has " + kind.size(split) + " examples, not " + limit);
            }
        }
        return new DatasetRef(kind, split, limit);
    }

    /** The dataset's canonical name, e.g. {@code mnist}. */
    public String name() {
        return kind.id();
    }

    public boolean hasLimit() {
        return limit != ALL;
    }

    /** {@code name:split}, without the limit. */
    public String splitName() {
        return kind.id() + ":" + split;
    }

    @Override
    public String toString() {
        return hasLimit() ? splitName() + ":" + limit : splitName();
    }
}
