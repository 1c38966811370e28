package io.robustcert.core.testing;

import io.robustcert.core.layer.BatchNorm;
import io.robustcert.core.layer.Conv2d;
import io.robustcert.core.layer.Flatten;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.layer.Normalize;
import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Seeded random networks of the shapes the soundness tests need; weights are float32 values. */
public final class TestNetworks {

    private TestNetworks() {
    }

    /** Builds layers one at a time, tracking the current shape. */
    public static final class Builder {
        private final SplittableRandom random;
        private final long[] inputShape;
        private final List<Layer> layers = new ArrayList<>();
        private long[] shape;

        public Builder(long seed, long... inputShape) {
            this.random = new SplittableRandom(seed);
            this.inputShape = inputShape;
            this.shape = inputShape;
        }

        private INDArray uniform(double scale, long... s) {
            double[] v = new double[(int) Layer.elements(s)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((random.nextDouble() * 2 - 1) * scale);
            }
            return Nd4j.create(v, s, 'c');
        }

        private Builder add(Layer layer) {
            layers.add(layer);
            shape = layer.outputShape();
            return this;
        }

        public Builder linear(int out) {
            double scale = 1.5 / Math.sqrt(shape[0]);
            return add(new Linear(shape, uniform(scale, out, shape[0]), uniform(scale, out)));
        }

        public Builder conv(int out, int kernel, int stride, int padding) {
            double scale = 1.5 / Math.sqrt(shape[0] * kernel * kernel);
            return add(new Conv2d(shape, uniform(scale, out, shape[0], kernel, kernel), uniform(scale, out), stride, padding));
        }

        public Builder relu() {
            return add(new Relu(shape));
        }

        public Builder flatten() {
            return add(new Flatten(shape));
        }

        public Builder normalize(double[] mean, double[] std) {
            return add(new Normalize(shape, mean, std));
        }

        /** Batch normalisation with seeded float32 statistics; γ of both signs. */
        public Builder batchNorm() {
            int c = (int) shape[0];
            double[] gamma = new double[c];
            double[] beta = new double[c];
            double[] mean = new double[c];
            double[] variance = new double[c];
            for (int k = 0; k < c; k++) {
                gamma[k] = (float) ((random.nextBoolean() ? 1 : -1) * (0.5 + random.nextDouble()));
                beta[k] = (float) (random.nextDouble() - 0.5);
                mean[k] = (float) (random.nextDouble() * 0.4 - 0.2);
                variance[k] = (float) (0.05 + random.nextDouble());
            }
            return add(new BatchNorm(shape, gamma, beta, mean, variance, (float) 1e-5));
        }

        public Network build() {
            return Network.sequential(inputShape, layers);
        }
    }

    /** A named test network. */
    public record Case(String name, Network network) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The shapes the soundness tests cover: MLPs, convolutions of stride 1 and 2 with padding 0 and 1, Normalize, BatchNorm. */
    public static List<Case> shapes() {
        return List.of(
                new Case("mlp 12-16-16-5", new Builder(11, 12).linear(16).relu().linear(16).relu().linear(5).build()),
                new Case("mlp one hidden 6-20-4", new Builder(12, 6).linear(20).relu().linear(4).build()),
                new Case("conv s1p1 + s2p0", new Builder(13, 1, 8, 8).conv(4, 3, 1, 1).relu().conv(6, 3, 2, 0).relu()
                        .flatten().linear(12).relu().linear(5).build()),
                new Case("conv s2p1 + s1p0", new Builder(14, 2, 7, 7).conv(5, 3, 2, 1).relu().conv(4, 2, 1, 0).relu()
                        .flatten().linear(6).build()),
                new Case("normalize + conv k4s2p1", new Builder(15, 3, 6, 6)
                        .normalize(new double[] {0.4914, 0.4822, 0.4465}, new double[] {0.2023, 0.1994, 0.2010})
                        .conv(4, 4, 2, 1).relu().flatten().linear(10).relu().linear(4).build()),
                new Case("conv + batchnorm, linear + batchnorm", new Builder(16, 2, 6, 6).conv(4, 3, 1, 1).batchNorm().relu()
                        .conv(3, 3, 2, 0).relu().flatten().linear(8).batchNorm().relu().linear(4).build()));
    }

    /** Seeded inputs in [0, 1], {@code [count, inputSize]}, float64. */
    public static double[][] inputs(long seed, int count, long size) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] x = new double[count][(int) size];
        for (double[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextDouble();
            }
        }
        return x;
    }
}
