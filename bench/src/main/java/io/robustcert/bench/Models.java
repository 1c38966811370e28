package io.robustcert.bench;

import io.robustcert.core.layer.Conv2d;
import io.robustcert.core.layer.Flatten;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The benchmark models, with the shapes of torch_reference.py and seeded random weights drawn as
 * PyTorch's default initialisation does: weight and bias uniform in ±1/sqrt(fan_in).
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
        Builder b = new Builder(inputShape(name), new SplittableRandom(seed ^ name.hashCode()));
        switch (name) {
            // Conv(1,16,k4,s2,p1) ReLU Conv(16,32,k4,s2,p1) ReLU Flatten Linear(1568,100) ReLU Linear(100,10)
            case "mnist_small" -> b.conv(16, 4, 2, 1).relu().conv(32, 4, 2, 1).relu().flatten()
                    .linear(100).relu().linear(10);
            // Conv(1,32,k3,s1,p1) ReLU Conv(32,32,k4,s2,p1) ReLU Conv(32,64,k3,s1,p1) ReLU
            // Conv(64,64,k4,s2,p1) ReLU Flatten Linear(3136,512) ReLU Linear(512,512) ReLU Linear(512,10)
            case "mnist_medium" -> b.conv(32, 3, 1, 1).relu().conv(32, 4, 2, 1).relu().conv(64, 3, 1, 1).relu()
                    .conv(64, 4, 2, 1).relu().flatten().linear(512).relu().linear(512).relu().linear(10);
            default -> throw new IllegalArgumentException("unknown model " + name);
        }
        return b.network();
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

    private static final class Builder {
        private final long[] inputShape;
        private final SplittableRandom rng;
        private final List<Layer> layers = new ArrayList<>();
        private long[] shape;

        Builder(long[] inputShape, SplittableRandom rng) {
            this.inputShape = inputShape;
            this.rng = rng;
            this.shape = inputShape;
        }

        Builder conv(int out, int kernel, int stride, int padding) {
            long in = shape[0];
            long fanIn = in * kernel * kernel;
            return add(new Conv2d(shape, uniform(fanIn, out, in, kernel, kernel), uniform(fanIn, out), stride, padding));
        }

        Builder linear(int out) {
            long in = shape[0];
            return add(new Linear(shape, uniform(in, out, in), uniform(in, out)));
        }

        Builder relu() {
            return add(new Relu(shape));
        }

        Builder flatten() {
            return add(new Flatten(shape));
        }

        private Builder add(Layer layer) {
            layers.add(layer);
            shape = layer.outputShape();
            return this;
        }

        /** float64 tensor of the given shape, uniform in ±1/sqrt(fanIn). */
        private INDArray uniform(long fanIn, long... dims) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            double bound = 1.0 / Math.sqrt(fanIn);
            double[] v = new double[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (rng.nextDouble() * 2 - 1) * bound;
            }
            return Nd4j.create(v, dims, 'c').castTo(DataType.DOUBLE);
        }

        Network network() {
            return Network.sequential(inputShape, layers);
        }
    }
}
