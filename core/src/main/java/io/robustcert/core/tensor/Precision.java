package io.robustcert.core.tensor;

import org.nd4j.linalg.api.buffer.DataType;

/**
 * How a bound is computed, and therefore what it means.
 *
 * <p>{@link #FAST} computes in float32, as training does: the result bounds the floating-point
 * computation, up to rounding. {@link #SOUND} computes in float64 and widens every intermediate
 * result outward by a rigorous bound on its rounding error (see {@link SoundArithmetic}), so a
 * "verified" from sound mode is a proof for the real-valued network defined by the stored weights.
 */
public enum Precision {
    FAST(DataType.FLOAT),
    SOUND(DataType.DOUBLE);

    private final DataType dataType;

    Precision(DataType dataType) {
        this.dataType = dataType;
    }

    public DataType dataType() {
        return dataType;
    }

    public boolean sound() {
        return this == SOUND;
    }

    /** The name used in files and on the command line: {@code fast} or {@code sound}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static Precision parse(String label) {
        for (Precision p : values()) {
            if (p.label().equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown mode '" + label + "' (expected sound or fast)");
    }
}
