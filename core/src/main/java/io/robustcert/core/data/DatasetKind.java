package io.robustcert.core.data;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The datasets this project reads, with their fixed shapes and the per-dataset preprocessing of
 * method.md §8.
 */
public enum DatasetKind {
    MNIST("mnist", 1, 28, 28, 10, 60_000, 10_000, List.of()),
    FASHION_MNIST("fashion-mnist", 1, 28, 28, 10, 60_000, 10_000, List.of("fashion_mnist", "fashionmnist", "fmnist")),
    CIFAR10("cifar10", 3, 32, 32, 10, 50_000, 10_000, List.of("cifar-10", "cifar_10")),
    SVHN("svhn", 3, 32, 32, 10, 73_257, 26_032, List.of());

    private final String id;
    private final int channels;
    private final int height;
    private final int width;
    private final int classes;
    private final int trainSize;
    private final int testSize;
    private final List<String> aliases;

    DatasetKind(String id, int channels, int height, int width, int classes, int trainSize, int testSize,
            List<String> aliases) {
        this.id = id;
        this.channels = channels;
        this.height = height;
        this.width = width;
        this.classes = classes;
        this.trainSize = trainSize;
        this.testSize = testSize;
        this.aliases = aliases;
    }

    /** The canonical name, as written in {@code mnist:test:100}. */
    public String id() {
        return id;
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

    public int classes() {
        return classes;
    }

    /** Examples in the official split ({@code train} or {@code test}). */
    public int size(String split) {
        return switch (split) {
            case DatasetRef.TRAIN -> trainSize;
            case DatasetRef.TEST -> testSize;
            default -> throw new IllegalArgumentException("unknown split " + split);
        };
    }

    /**
     * The input normalisation of method.md §8: none for MNIST and CIFAR-10 (the paper's configs do not
     * normalise), μ = (0.43768206, 0.44376972, 0.47280434), σ = (0.19803014, 0.20101564, 0.19703615)
     * for SVHN; none for Fashion-MNIST (not in the spec).
     */
    public Normalization paperNormalization() {
        if (this == SVHN) {
            return new Normalization(new float[] {0.43768206f, 0.44376972f, 0.47280434f},
                    new float[] {0.19803014f, 0.20101564f, 0.19703615f});
        }
        return Normalization.identity(channels);
    }

    /**
     * The training augmentation of method.md §8: CIFAR-10 random horizontal flip then random 32×32 crop
     * with 4-pixel zero padding; SVHN the crop without the flip; none for MNIST and Fashion-MNIST.
     */
    public Augmentation paperAugmentation() {
        return switch (this) {
            case CIFAR10 -> new Augmentation(true, 4);
            case SVHN -> new Augmentation(false, 4);
            default -> Augmentation.NONE;
        };
    }

    /** The kind named {@code name} (canonical name or alias, any case). */
    public static DatasetKind byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        for (DatasetKind k : values()) {
            if (k.id.equals(n) || k.aliases.contains(n)) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown dataset '" + name + "': expected one of "
                + Arrays.stream(values()).map(DatasetKind::id).collect(Collectors.joining(", ")));
    }
}
