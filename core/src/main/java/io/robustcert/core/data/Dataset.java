package io.robustcert.core.data;

import java.util.List;
import java.util.Objects;

/**
 * Labelled images held as raw uint8 pixels in one array (example-major, each example in C·H·W order),
 * converted to float32 in [0,1] (value / 255, as torchvision's {@code ToTensor}) on access. MNIST's
 * training split is 47 MB this way instead of 188 MB of floats.
 *
 * <p>Immutable; {@link #head(int)} shares the arrays.
 */
public final class Dataset {

    private static final float[] TO_UNIT = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            TO_UNIT[v] = v / 255f;
        }
    }

    private final String name;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final int size;
    private final byte[] pixels;
    private final byte[] labels;
    private final List<SourceDigest> sources;

    /**
     * @param name     for messages and provenance, e.g. {@code mnist:train}
     * @param pixels   {@code size · channels · height · width} uint8 values, example-major, C·H·W within
     * @param labels   {@code size} labels, each in [0, classes)
     * @param sources  the files read and how they were checked
     */
    public Dataset(String name, int channels, int height, int width, int classes, byte[] pixels, byte[] labels,
            List<SourceDigest> sources) {
        this(name, channels, height, width, classes, labels.length, pixels, labels, sources);
        long expected = (long) labels.length * exampleLength();
        if (pixels.length != expected) {
            throw new IllegalArgumentException(name + ": " + pixels.length + " pixel values for " + labels.length
                    + " examples of " + exampleLength());
        }
        for (int i = 0; i < labels.length; i++) {
            int y = labels[i] & 0xFF;
            if (y >= classes) {
                throw new IllegalArgumentException(name + ": label " + y + " of example " + i
                        + " is outside [0, " + classes + ")");
            }
        }
    }

    private Dataset(String name, int channels, int height, int width, int classes, int size, byte[] pixels,
            byte[] labels, List<SourceDigest> sources) {
        this.name = Objects.requireNonNull(name, "name");
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(name + ": bad image shape " + channels + "x" + height + "x" + width);
        }
        if (classes <= 0 || classes > 256) {
            throw new IllegalArgumentException(name + ": classes must be in [1, 256], got " + classes);
        }
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.size = size;
        this.pixels = pixels;
        this.labels = labels;
        this.sources = List.copyOf(sources);
    }

    public String name() {
        return name;
    }

    /** Number of examples. */
    public int size() {
        return size;
    }

    public int channels() {
        return channels;
    }

    public int height() {
        return height;
    }

    public int width() {
        return width;
    }

    /** {@code [C, H, W]}. */
    public int[] shape() {
        return new int[] {channels, height, width};
    }

    public int classes() {
        return classes;
    }

    /** Values per example: C·H·W. */
    public int exampleLength() {
        return channels * height * width;
    }

    /** The files read and how they were checked. */
    public List<SourceDigest> sources() {
        return sources;
    }

    public int label(int i) {
        Objects.checkIndex(i, size);
        return labels[i] & 0xFF;
    }

    /** All labels, a fresh array. */
    public int[] labels() {
        int[] out = new int[size];
        for (int i = 0; i < size; i++) {
            out[i] = labels[i] & 0xFF;
        }
        return out;
    }

    /** Raw pixel value in [0, 255] of value {@code k} (C·H·W index) of example {@code i}. */
    public int pixel(int i, int k) {
        Objects.checkIndex(i, size);
        Objects.checkIndex(k, exampleLength());
        return pixels[i * exampleLength() + k] & 0xFF;
    }

    /** Example {@code i} as floats in [0,1], C·H·W order. */
    public float[] image(int i) {
        float[] out = new float[exampleLength()];
        copyImage(i, out, 0);
        return out;
    }

    /** Example {@code i} as doubles: exactly the float32 values {@link #image} gives, C·H·W order. */
    public double[] imageAsDoubles(int i) {
        Objects.checkIndex(i, size);
        int n = exampleLength();
        double[] out = new double[n];
        int base = i * n;
        for (int k = 0; k < n; k++) {
            out[k] = TO_UNIT[pixels[base + k] & 0xFF];
        }
        return out;
    }

    /** Writes example {@code i} as floats in [0,1] (C·H·W) into {@code dst} from {@code offset}. */
    public void copyImage(int i, float[] dst, int offset) {
        Objects.checkIndex(i, size);
        int n = exampleLength();
        Objects.checkFromIndexSize(offset, n, dst.length);
        int base = i * n;
        for (int k = 0; k < n; k++) {
            dst[offset + k] = TO_UNIT[pixels[base + k] & 0xFF];
        }
    }

    /** The first {@code n} examples (sharing this dataset's arrays), named {@code name:n}. */
    public Dataset head(int n) {
        if (n < 0 || n > size) {
            throw new IllegalArgumentException("asked for the first " + n + " examples of " + name + ", which has "
                    + size);
        }
        if (n == size) {
            return this;
        }
        return new Dataset(name + ":" + n, channels, height, width, classes, n, pixels, labels, sources);
    }

    /** The same examples with {@code sources} as their provenance (the arrays are shared). */
    public Dataset withSources(List<SourceDigest> sources) {
        return new Dataset(name, channels, height, width, classes, size, pixels, labels, sources);
    }

    /** How many examples carry each label. */
    public int[] labelHistogram() {
        int[] h = new int[classes];
        for (int i = 0; i < size; i++) {
            h[labels[i] & 0xFF]++;
        }
        return h;
    }

    @Override
    public String toString() {
        return name + " (" + size + " × " + channels + "×" + height + "×" + width + ", " + classes + " classes)";
    }
}
