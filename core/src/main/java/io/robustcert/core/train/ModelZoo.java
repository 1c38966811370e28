package io.robustcert.core.train;

import io.robustcert.core.data.DatasetKind;
import java.util.List;
import java.util.Locale;

/**
 * Architectures by name (method.md §9 and the benchmark models of the shared PyTorch reference), as
 * architecture JSON for a dataset's input shape. SVHN's models start with its per-channel normalisation
 * (§8), so that ε and the box stay in raw pixel space.
 */
public final class ModelZoo {

    /** Every name {@link #architecture} knows. */
    public static final List<String> NAMES = List.of("mnist_small", "mnist_medium", "cnn_4layer", "dm_large", "model_small");

    private static final String SVHN_NORMALIZE = "{\"type\": \"normalize\", \"mean\": [0.43768206, 0.44376972, 0.47280434], "
            + "\"std\": [0.19803014, 0.20101564, 0.19703615]}, ";

    private ModelZoo() {
    }

    /** The architecture JSON of {@code name} for {@code data}'s images. */
    public static String architecture(String name, DatasetKind data) {
        int c = data.channels();
        int h = data.height();
        String layers = switch (name.toLowerCase(Locale.ROOT)) {
            case "mnist_small" -> conv(16, 4, 2, 1) + conv(32, 4, 2, 1) + flattenDense(100);
            case "mnist_medium" -> conv(32, 3, 1, 1) + conv(32, 4, 2, 1) + conv(64, 3, 1, 1) + conv(64, 4, 2, 1)
                    + flattenDense(512, 512);
            // model_cnn_4layer(width 8, linear 512): the CIFAR config's DM-medium layout.
            case "cnn_4layer" -> conv(32, 3, 1, 1) + conv(32, 4, 2, 1) + conv(64, 3, 1, 1) + conv(64, 4, 2, 1)
                    + flattenDense(512, 512);
            // IBP_large = DM-large: the MNIST and SVHN configs' model.
            case "dm_large" -> conv(64, 3, 1, 1) + conv(64, 3, 1, 1) + conv(128, 3, 2, 1) + conv(128, 3, 1, 1)
                    + conv(128, 3, 1, 1) + flattenDense(512);
            case "model_small" -> {
                if (h != 32) {
                    throw new IllegalArgumentException("model_small is defined for 32x32 inputs only (its flatten size is fixed)");
                }
                yield conv(16, 4, 2, 1) + conv(32, 4, 1, 1) + flattenDense(100);
            }
            default -> throw new IllegalArgumentException("unknown model '" + name + "' (known: " + String.join(", ", NAMES) + ")");
        };
        String normalize = data == DatasetKind.SVHN ? SVHN_NORMALIZE : "";
        return "{\"input_shape\": [" + c + ", " + h + ", " + data.width() + "], \"layers\": [" + normalize + layers
                + "{\"type\": \"linear\", \"out\": " + data.classes() + "}]}";
    }

    private static String conv(int out, int k, int s, int p) {
        return "{\"type\": \"conv2d\", \"out\": " + out + ", \"kernel\": " + k + ", \"stride\": " + s + ", \"padding\": " + p
                + "}, {\"type\": \"relu\"}, ";
    }

    private static String flattenDense(int... widths) {
        StringBuilder b = new StringBuilder("{\"type\": \"flatten\"}, ");
        for (int w : widths) {
            b.append("{\"type\": \"linear\", \"out\": ").append(w).append("}, {\"type\": \"relu\"}, ");
        }
        return b.toString();
    }
}
