package io.robustcert.core.layer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ReferenceNetwork;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Each layer's sound rules, one at a time, in exact arithmetic, on values chosen to make rounding
 * matter: weights and inputs spanning 2^±20, so that dot products cancel heavily and float64 results
 * are often off in their last bits. Interval rule: the computed box contains the exact image box.
 * Backward rule: Λ·layer(g) + c ≥ Λ'·g + c' exactly at every sampled g in the input box (corners and
 * random points). A rule that forgot an error term fails here, whereas end-to-end tests hide it under
 * the final concretization's widening.
 */
class SoundRulesTest {

    private static final MathContext DIGITS = new MathContext(80);

    private static double wide(SplittableRandom r) {
        double v = (1 + r.nextDouble()) * Math.scalb(1.0, r.nextInt(-20, 21)) * (r.nextBoolean() ? 1 : -1);
        return (float) v;
    }

    private static double[] wide(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = wide(r);
        }
        return v;
    }

    private static Layer layer(String kind, SplittableRandom r) {
        return switch (kind) {
            case "linear" -> new Linear(new long[] {12}, Nd4j.create(wide(r, 7 * 12), new long[] {7, 12}, 'c'),
                    Nd4j.create(wide(r, 7), new long[] {7}, 'c'));
            case "conv2d" -> new Conv2d(new long[] {2, 5, 5}, Nd4j.create(wide(r, 3 * 2 * 3 * 3), new long[] {3, 2, 3, 3}, 'c'),
                    Nd4j.create(wide(r, 3), new long[] {3}, 'c'), 2, 1);
            case "normalize" -> new Normalize(new long[] {3, 2, 2}, new double[] {0.1, -0.37, 0.4914},
                    new double[] {0.3, 0.2023, 7.0 / 3});
            case "relu" -> new Relu(new long[] {10});
            case "batchnorm" -> new BatchNorm(new long[] {3, 2, 2}, new double[] {wide(r), -Math.abs(wide(r)), 0.0},
                    wide(r, 3), wide(r, 3), new double[] {Math.abs(wide(r)), 0.0, Math.abs(wide(r))}, 1e-5);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    /** A box with ends of wide magnitude; about half the coordinates straddle zero. */
    private static double[][] box(SplittableRandom r, int n) {
        double[][] b = new double[2][n];
        for (int i = 0; i < n; i++) {
            double a = wide(r) / 4;
            double c = r.nextBoolean() ? -Math.abs(wide(r)) / 8 : a + Math.abs(wide(r)) / 8;
            b[0][i] = Math.min(a, c);
            b[1][i] = Math.max(a, c);
        }
        return b;
    }

    private static BigDecimal[] exactImage(Layer layer, double[] x) {
        if (layer instanceof Normalize norm) {
            int per = x.length / norm.mean().length;
            BigDecimal[] y = new BigDecimal[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = new BigDecimal(x[i]).subtract(new BigDecimal(norm.mean()[i / per]))
                        .divide(new BigDecimal(norm.std()[i / per]), DIGITS);
            }
            return y;
        }
        // BatchNorm: the reference's exact image (square root and division to 120 digits)
        return new ReferenceNetwork(List.of(layer)).exactLogits(x);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "conv2d", "normalize", "batchnorm", "relu"})
    void intervalRuleContainsTheExactImage(String kind) {
        SplittableRandom r = new SplittableRandom(kind.hashCode());
        for (int trial = 0; trial < 40; trial++) {
            Layer layer = layer(kind, r);
            int n = (int) Layer.elements(layer.inputShape());
            double[][] box = box(r, n);
            long[] shape = withBatch(layer.inputShape());
            IntervalBounds out = layer.interval(new IntervalBounds(Nd4j.create(box[0], shape, 'c'),
                    Nd4j.create(box[1], shape, 'c')), Precision.SOUND);
            double[] lo = out.lower().dup().data().asDouble();
            double[] hi = out.upper().dup().data().asDouble();
            // Exact image box: min and max of each output over the box. Affine and ReLU maps reach them at
            // corners chosen per output, which the exact interval of the reference computes directly.
            BigDecimal[][] exact = exactInterval(layer, box);
            for (int o = 0; o < lo.length; o++) {
                assertTrue(new BigDecimal(lo[o]).compareTo(exact[0][o]) <= 0,
                        kind + " trial " + trial + " output " + o + ": lower " + lo[o] + " > exact " + exact[0][o]);
                assertTrue(new BigDecimal(hi[o]).compareTo(exact[1][o]) >= 0,
                        kind + " trial " + trial + " output " + o + ": upper " + hi[o] + " < exact " + exact[1][o]);
            }
        }
    }

    private static BigDecimal[][] exactInterval(Layer layer, double[][] box) {
        if (layer instanceof Normalize) {
            return new BigDecimal[][] {exactImage(layer, box[0]), exactImage(layer, box[1])};
        }
        if (layer instanceof BatchNorm bn) {
            // monotone per channel: increasing where γ > 0, decreasing where γ < 0
            BigDecimal[] atLower = exactImage(layer, box[0]);
            BigDecimal[] atUpper = exactImage(layer, box[1]);
            int per = atLower.length / bn.gamma().length;
            BigDecimal[][] exact = new BigDecimal[2][atLower.length];
            for (int i = 0; i < atLower.length; i++) {
                boolean decreasing = bn.gamma()[i / per] < 0;
                exact[0][i] = decreasing ? atUpper[i] : atLower[i];
                exact[1][i] = decreasing ? atLower[i] : atUpper[i];
            }
            return exact;
        }
        BigDecimal[] l = new BigDecimal[box[0].length];
        BigDecimal[] u = new BigDecimal[box[0].length];
        for (int i = 0; i < l.length; i++) {
            l[i] = new BigDecimal(box[0][i]);
            u[i] = new BigDecimal(box[1][i]);
        }
        return new ReferenceNetwork(List.of(layer)).exactInterval(l, u);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linear", "conv2d", "normalize", "batchnorm", "relu"})
    void backwardRuleIsAValidLowerBoundEverywhereInTheBox(String kind) {
        SplittableRandom r = new SplittableRandom(kind.hashCode() + 1);
        for (int trial = 0; trial < 25; trial++) {
            Layer layer = layer(kind, r);
            int n = (int) Layer.elements(layer.inputShape());
            int m = (int) Layer.elements(layer.outputShape());
            int rows = 3;
            double[] lambda = wide(r, rows * m);
            double[] bias = wide(r, rows);
            double[][] box = box(r, n);
            long[] outShape = withRows(rows, layer.outputShape());
            LinearBound bound = new LinearBound(Nd4j.create(lambda, outShape, 'c'), Nd4j.create(bias, new long[] {rows}, 'c'), 1, rows);
            long[] inShape = withBatch(layer.inputShape());
            IntervalBounds inputBounds = new IntervalBounds(Nd4j.create(box[0], inShape, 'c'), Nd4j.create(box[1], inShape, 'c'));
            for (FixedSlopeRule rule : FixedSlopeRule.values()) {
                LinearBound back = layer.backward(new LinearBound(bound.coefficients().dup(), bound.bias().dup(), 1, rows),
                        inputBounds, new BackwardContext(Precision.SOUND, rule, 0));
                double[] newLambda = back.coefficients().dup().data().asDouble();
                double[] newBias = back.bias().dup().data().asDouble();
                for (double[] g : points(r, box)) {
                    BigDecimal[] image = exactImage(layer, g);
                    for (int row = 0; row < rows; row++) {
                        BigDecimal truth = new BigDecimal(bias[row]);
                        for (int o = 0; o < m; o++) {
                            truth = truth.add(new BigDecimal(lambda[row * m + o]).multiply(image[o]));
                        }
                        BigDecimal claim = new BigDecimal(newBias[row]);
                        for (int i = 0; i < n; i++) {
                            claim = claim.add(new BigDecimal(newLambda[row * n + i]).multiply(new BigDecimal(g[i])));
                        }
                        assertTrue(claim.compareTo(truth) <= 0, kind + " " + rule + " trial " + trial + " row " + row
                                + ": linear bound " + claim + " above the true value " + truth);
                    }
                }
                if (!(layer instanceof Relu)) {
                    break; // the slope rule only matters for ReLU
                }
            }
        }
    }

    /** The sound upper line lies above ReLU at both ends of [l, u] exactly, for every unstable neuron. */
    @org.junit.jupiter.api.Test
    void soundUpperLineIsAboveReluAtBothEnds() {
        SplittableRandom r = new SplittableRandom(5);
        int n = 4000;
        double[] l = new double[n];
        double[] u = new double[n];
        for (int i = 0; i < n; i++) {
            l[i] = -Math.abs(r.nextDouble() * Math.scalb(1.0, r.nextInt(-30, 30)));
            u[i] = Math.abs(r.nextDouble() * Math.scalb(1.0, r.nextInt(-30, 30)));
        }
        var relaxation = io.robustcert.core.relax.ReluRelaxation.of(Nd4j.createFromArray(new double[][] {l}),
                Nd4j.createFromArray(new double[][] {u}), Precision.SOUND);
        double[] d = relaxation.upperSlope().dup().data().asDouble();
        double[] t = relaxation.upperIntercept().dup().data().asDouble();
        for (int i = 0; i < n; i++) {
            BigDecimal slope = new BigDecimal(d[i]);
            BigDecimal intercept = new BigDecimal(t[i]);
            assertTrue(slope.multiply(new BigDecimal(l[i])).add(intercept).signum() >= 0, "below 0 at l, neuron " + i);
            assertTrue(slope.multiply(new BigDecimal(u[i])).add(intercept).compareTo(new BigDecimal(u[i])) >= 0,
                    "below u at u, neuron " + i);
        }
    }

    /** Corners (random sign patterns) and uniform points of the box. */
    private static List<double[]> points(SplittableRandom r, double[][] box) {
        List<double[]> points = new ArrayList<>();
        int n = box[0].length;
        for (int k = 0; k < 30; k++) {
            double[] corner = new double[n];
            double[] inside = new double[n];
            for (int i = 0; i < n; i++) {
                corner[i] = r.nextBoolean() ? box[0][i] : box[1][i];
                inside[i] = Math.min(box[1][i], box[0][i] + r.nextDouble() * (box[1][i] - box[0][i]));
            }
            points.add(corner);
            points.add(inside);
        }
        return points;
    }

    private static long[] withBatch(long[] shape) {
        return withRows(1, shape);
    }

    private static long[] withRows(long rows, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = rows;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }
}
