package io.robustcert.bench;

import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.io.Architecture;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.model.Network;
import io.robustcert.core.train.ModelZoo;
import io.robustcert.core.train.TrainableModel;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The benchmark models, with the shapes of torch_reference.py (core's {@link ModelZoo}: mnist_small,
 * mnist_medium) and seeded random weights drawn as PyTorch's default initialisation does
 * ({@link TrainableModel#initialized}: weight and bias uniform in ±1/sqrt(fan_in)).
 */
public final class Models {

    private Models() {
    }

    /** Per-example input shape {@code [C, H, W]} of a model. */
    public static long[] inputShape(String name) {
        return switch (name) {
            case "mnist_small", "mnist_medium" -> new long[] {1, 28, 28};
            default -> throw new IllegalArgumentException("unknown model " + name);
        };
    }

    public static Network build(String name, long seed) {
        inputShape(name); // refuses models the benchmark does not know
        try {
            Architecture a = Architecture.parse(ModelZoo.architecture(name, DatasetKind.MNIST));
            return TrainableModel.initialized(a, new SplittableRandom(seed ^ name.hashCode())).snapshot();
        } catch (ModelFormatException e) {
            throw new IllegalStateException("the zoo's " + name + " does not build: " + e.getMessage(), e);
        }
    }

    /** Inputs {@code [batch, C·H·W]}, float32, uniform in [0, 1). */
    public static INDArray inputs(String name, int batch, long seed) {
        long size = 1;
        for (long d : inputShape(name)) {
            size *= d;
        }
        SplittableRandom rng = new SplittableRandom(seed);
        float[] x = new float[(int) (batch * size)];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextDouble();
        }
        return Nd4j.create(x, new long[] {batch, size}, 'c');
    }

    /** Labels uniform in [0, classes). */
    public static int[] labels(int batch, int classes, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        int[] y = new int[batch];
        for (int i = 0; i < batch; i++) {
            y[i] = rng.nextInt(classes);
        }
        return y;
    }
}
