package io.robustcert.core.layer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.ReferenceNetwork;
import io.robustcert.core.testing.TestNetworks;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Input gradients (vector-Jacobian products) against central finite differences of the float64 forward
 * pass, one layer at a time and through whole networks: the gradient of a random linear functional
 * c·f(x) at random points. Every network here is piecewise linear, so away from ReLU kinks the
 * difference quotient is exact up to rounding; points are random and the step is 1e-6, far below the
 * distance to any kink (ReLU inputs are drawn with |x| ≥ 0.01 in the one-layer test).
 */
class InputGradientTest {

    private static final double H = 1e-6;
    private static final int BATCH = 3;

    record LayerCase(String name, Layer layer, double reluGap) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<LayerCase> layers() {
        SplittableRandom r = new SplittableRandom(5);
        List<LayerCase> cases = new ArrayList<>();
        cases.add(new LayerCase("linear 7-5", new Linear(new long[] {7}, uniform(r, 5, 7), uniform(r, 5)), 0));
        int[][] convs = {{3, 1, 1}, {3, 2, 0}, {4, 2, 1}, {2, 1, 0}, {3, 2, 1}};
        for (int[] c : convs) {
            cases.add(new LayerCase("conv k" + c[0] + "s" + c[1] + "p" + c[2],
                    new Conv2d(new long[] {2, 7, 7}, uniform(r, 3, 2, c[0], c[0]), uniform(r, 3), c[1], c[2]), 0));
        }
        cases.add(new LayerCase("relu", new Relu(new long[] {2, 3, 4}), 0.01));
        cases.add(new LayerCase("flatten", new Flatten(new long[] {2, 3, 4}), 0));
        cases.add(new LayerCase("normalize", new Normalize(new long[] {3, 2, 2}, new double[] {0.49, 0.48, 0.45},
                new double[] {0.2023, 0.1994, 0.2010}), 0));
        cases.add(new LayerCase("batchnorm", new BatchNorm(new long[] {3, 2, 2}, new double[] {1.2, -0.7, 0.4},
                new double[] {0.1, 0.0, -0.3}, new double[] {0.49, 0.48, 0.45}, new double[] {0.04, 0.5, 1.3}, 1e-5), 0));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layers")
    void layerGradientMatchesFiniteDifferences(LayerCase c) {
        Layer layer = c.layer();
        SplittableRandom r = new SplittableRandom(c.name().hashCode());
        long n = Layer.elements(layer.inputShape());
        long m = Layer.elements(layer.outputShape());
        double[][] x = new double[BATCH][(int) n];
        for (double[] row : x) {
            for (int k = 0; k < n; k++) {
                double v = r.nextDouble() * 2 - 1;
                row[k] = Math.abs(v) < c.reluGap() ? Math.copySign(c.reluGap(), v) + v : v;
            }
        }
        double[][] weights = randomMatrix(r, BATCH, (int) m);
        INDArray input = Nd4j.createFromArray(x).reshape('c', withBatch(BATCH, layer.inputShape()));
        INDArray cotangent = Nd4j.createFromArray(weights).reshape('c', withBatch(BATCH, layer.outputShape()));
        double[][] sound = rows(layer.inputGradient(input, cotangent, Precision.SOUND), BATCH);
        double[][] fd = finiteDifferences(x, weights, points -> rows(layer.forward(
                Nd4j.createFromArray(points).reshape('c', withBatch(points.length, layer.inputShape())), Precision.SOUND),
                points.length));
        compare(c.name() + " sound", fd, sound, 1e-7);
        double[][] fast = rows(layer.inputGradient(input.castTo(DataType.FLOAT), cotangent.castTo(DataType.FLOAT),
                Precision.FAST), BATCH);
        compare(c.name() + " fast", sound, fast, 1e-4);
        assertEquals(DataType.DOUBLE, layer.inputGradient(input, cotangent, Precision.SOUND).dataType());
        assertEquals(DataType.FLOAT, layer.inputGradient(input, cotangent, Precision.FAST).dataType());
    }

    static Stream<TestNetworks.Case> networks() {
        List<TestNetworks.Case> cases = new ArrayList<>(TestNetworks.shapes());
        cases.add(new TestNetworks.Case("mnist_small fixture", Fixtures.mnistSmall()));
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void networkGradientMatchesFiniteDifferencesAndTheReference(TestNetworks.Case c) {
        Network net = c.network();
        int classes = net.numClasses();
        double[][] x = TestNetworks.inputs(c.name().hashCode(), BATCH, net.inputSize());
        double[][] weights = randomMatrix(new SplittableRandom(7), BATCH, classes);
        INDArray cotangent = Nd4j.createFromArray(weights);
        Network.LogitsAndGradient sound = net.logitsAndGradient(Nd4j.createFromArray(x), z -> cotangent, Precision.SOUND);
        double[][] fd = finiteDifferences(x, weights, points -> net.forward(Nd4j.createFromArray(points),
                Precision.SOUND).toDoubleMatrix());
        double[][] g = rows(sound.gradient(), BATCH);
        compare(c.name() + " sound", fd, g, 1e-6);
        assertArrayEquals(withBatch(BATCH, net.inputShape()), sound.gradient().shape());
        assertArrayEquals(net.forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix(),
                sound.logits().toDoubleMatrix());

        Network.LogitsAndGradient fast = net.logitsAndGradient(Nd4j.createFromArray(x), z -> cotangent, Precision.FAST);
        assertEquals(DataType.FLOAT, fast.gradient().dataType());
        compare(c.name() + " fast", g, rows(fast.gradient(), BATCH), 1e-3);

        // The independent loop-by-loop implementation, for a margin z_y − z_j.
        ReferenceNetwork reference = new ReferenceNetwork(net);
        for (int b = 0; b < BATCH; b++) {
            int y = b % classes;
            int j = (b + 1) % classes;
            double[][] e = new double[BATCH][classes];
            e[b][y] = 1;
            e[b][j] = -1;
            INDArray margin = Nd4j.createFromArray(e);
            double[] ours = rows(net.logitsAndGradient(Nd4j.createFromArray(x), z -> margin, Precision.SOUND).gradient(),
                    BATCH)[b];
            compare(c.name() + " margin", new double[][] {reference.marginGradient(x[b], y, j)}, new double[][] {ours}, 1e-12);
        }
    }

    @Test
    void logitGradientOfTheWrongShapeIsRefused() {
        Network net = TestNetworks.shapes().get(0).network();
        INDArray x = Nd4j.createFromArray(TestNetworks.inputs(1, 2, net.inputSize()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> net.logitsAndGradient(x, z -> Nd4j.zeros(DataType.DOUBLE, 2, 3), Precision.SOUND));
        assertEquals("the logit gradient must be [2, 5], got [2, 3]", e.getMessage());
    }

    /** ∂(Σ c_b·f(x_b))/∂x_b by central differences, all perturbed points in one batch per example. */
    private static double[][] finiteDifferences(double[][] x, double[][] c, Function<double[][], double[][]> forward) {
        int n = x[0].length;
        double[][] grad = new double[x.length][n];
        for (int b = 0; b < x.length; b++) {
            double[][] points = new double[2 * n][];
            for (int k = 0; k < n; k++) {
                points[2 * k] = x[b].clone();
                points[2 * k][k] += H;
                points[2 * k + 1] = x[b].clone();
                points[2 * k + 1][k] -= H;
            }
            double[][] out = forward.apply(points);
            for (int k = 0; k < n; k++) {
                double plus = 0;
                double minus = 0;
                for (int o = 0; o < c[b].length; o++) {
                    plus += c[b][o] * out[2 * k][o];
                    minus += c[b][o] * out[2 * k + 1][o];
                }
                // the step actually taken, (x + H) − (x − H) in double
                grad[b][k] = (plus - minus) / ((x[b][k] + H) - (x[b][k] - H));
            }
        }
        return grad;
    }

    private static void compare(String what, double[][] expected, double[][] actual, double tolerance) {
        double scale = 0;
        for (double[] row : expected) {
            for (double v : row) {
                scale = Math.max(scale, Math.abs(v));
            }
        }
        for (int b = 0; b < expected.length; b++) {
            for (int k = 0; k < expected[b].length; k++) {
                double diff = Math.abs(expected[b][k] - actual[b][k]);
                if (!(diff <= tolerance * (1 + scale))) {
                    fail(what + ": example " + b + " input " + k + ": expected " + expected[b][k] + ", got "
                            + actual[b][k] + " (scale " + scale + ")");
                }
            }
        }
    }

    private static double[][] rows(INDArray a, int batch) {
        return a.castTo(DataType.DOUBLE).reshape('c', batch, a.length() / batch).toDoubleMatrix();
    }

    private static double[][] randomMatrix(SplittableRandom r, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int k = 0; k < cols; k++) {
                row[k] = r.nextDouble() * 2 - 1;
            }
        }
        return m;
    }

    private static INDArray uniform(SplittableRandom r, long... shape) {
        double[] v = new double[(int) Layer.elements(shape)];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return Nd4j.create(v, shape, 'c');
    }

    private static long[] withBatch(long batch, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}
