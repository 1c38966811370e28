package io.robustcert.core.testing;

import io.robustcert.core.layer.BatchNorm;
import io.robustcert.core.layer.Conv2d;
import io.robustcert.core.layer.Flatten;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.layer.Normalize;
import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;

/**
 * An independent, loop-by-loop implementation of the same networks on plain arrays, for tests:
 * float64 forward with a rigorous bound on its own rounding error, exact forward in BigDecimal, and
 * the input gradient of a margin. Shares nothing with the ND4J code under test but the parameters.
 */
public final class ReferenceNetwork {

    private static final double U = 0x1p-53;
    /** Normalize and BatchNorm divide: BigDecimal keeps this many digits there (everything else is exact). */
    private static final MathContext DIVISION = new MathContext(120);

    private interface Step {
        /** value and error bound in, out. */
        void forward(double[] x, double[] err, double[] y, double[] yErr);

        BigDecimal[] exact(BigDecimal[] x);

        /** gradient w.r.t. the input given the gradient w.r.t. the output, at input x. */
        double[] backward(double[] x, double[] gradOut);

        int outSize();

        /** Exact interval propagation: {lower, upper}. Null where the step is not exact (Normalize). */
        BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi);

        /**
         * For the final affine step: exact lower bound of output_y − output_j over the box, with the
         * difference of the two rows folded first (as the bound methods fold the specification).
         */
        default BigDecimal foldedLower(BigDecimal[] lo, BigDecimal[] hi, int y, int j) {
            throw new UnsupportedOperationException("not an affine step");
        }
    }

    private final List<Step> steps = new ArrayList<>();
    private final int inputSize;

    public ReferenceNetwork(Network network) {
        this(network.layers());
    }

    /** Any chain of layers (the last need not be linear): for testing one layer's rules. */
    public ReferenceNetwork(List<Layer> layers) {
        this.inputSize = (int) Layer.elements(layers.get(0).inputShape());
        for (Layer layer : layers) {
            steps.add(step(layer));
        }
    }

    private static double gamma(int n) {
        return n * U / (1 - n * U) * (1 + 1e-6);
    }

    private static Step step(Layer layer) {
        if (layer instanceof Linear lin) {
            int in = (int) lin.inFeatures();
            int out = (int) lin.outFeatures();
            double[] w = lin.weight().dup('c').data().asDouble();
            double[] b = lin.bias().dup('c').data().asDouble();
            int[][] index = new int[out][in];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    index[o][i] = i;
                }
            }
            return affine(in, out, w, b, index, (o, t) -> o * in + t, o -> o);
        }
        if (layer instanceof Conv2d conv) {
            long[] is = conv.inputShape();
            long[] os = conv.outputShape();
            int c = (int) is[0], h = (int) is[1], wd = (int) is[2];
            int oc = (int) os[0], oh = (int) os[1], ow = (int) os[2];
            int k = conv.kernel(), s = conv.stride(), p = conv.padding();
            double[] w = conv.weight().dup('c').data().asDouble();
            double[] b = conv.bias().dup('c').data().asDouble();
            int out = oc * oh * ow;
            int[][] index = new int[out][];
            int[][] weightIndex = new int[out][];
            for (int o = 0; o < oc; o++) {
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        List<int[]> taps = new ArrayList<>();
                        for (int ci = 0; ci < c; ci++) {
                            for (int ky = 0; ky < k; ky++) {
                                for (int kx = 0; kx < k; kx++) {
                                    int iy = y * s - p + ky, ix = x * s - p + kx;
                                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                        taps.add(new int[] {(ci * h + iy) * wd + ix, ((o * c + ci) * k + ky) * k + kx});
                                    }
                                }
                            }
                        }
                        int row = (o * oh + y) * ow + x;
                        index[row] = taps.stream().mapToInt(t -> t[0]).toArray();
                        weightIndex[row] = taps.stream().mapToInt(t -> t[1]).toArray();
                    }
                }
            }
            int perChannel = oh * ow;
            return affine(c * h * wd, out, w, b, index, (row, t) -> weightIndex[row][t], row -> row / perChannel);
        }
        if (layer instanceof Relu relu) {
            int n = (int) Layer.elements(relu.inputShape());
            return new Step() {
                public void forward(double[] x, double[] err, double[] y, double[] yErr) {
                    for (int i = 0; i < n; i++) {
                        y[i] = Math.max(x[i], 0);
                        yErr[i] = err[i];
                    }
                }

                public BigDecimal[] exact(BigDecimal[] x) {
                    BigDecimal[] y = new BigDecimal[n];
                    for (int i = 0; i < n; i++) {
                        y[i] = x[i].signum() > 0 ? x[i] : BigDecimal.ZERO;
                    }
                    return y;
                }

                public double[] backward(double[] x, double[] g) {
                    double[] r = new double[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = x[i] > 0 ? g[i] : 0;
                    }
                    return r;
                }

                public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
                    return new BigDecimal[][] {exact(lo), exact(hi)};
                }

                public int outSize() {
                    return n;
                }
            };
        }
        if (layer instanceof Flatten flat) {
            int n = (int) Layer.elements(flat.inputShape());
            return new Step() {
                public void forward(double[] x, double[] err, double[] y, double[] yErr) {
                    System.arraycopy(x, 0, y, 0, n);
                    System.arraycopy(err, 0, yErr, 0, n);
                }

                public BigDecimal[] exact(BigDecimal[] x) {
                    return x.clone();
                }

                public double[] backward(double[] x, double[] g) {
                    return g.clone();
                }

                public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
                    return new BigDecimal[][] {lo.clone(), hi.clone()};
                }

                public int outSize() {
                    return n;
                }
            };
        }
        if (layer instanceof Normalize norm) {
            long[] shape = norm.inputShape();
            int n = (int) Layer.elements(shape);
            int per = (int) (n / shape[0]);
            double[] mean = norm.mean();
            double[] std = norm.std();
            return new Step() {
                public void forward(double[] x, double[] err, double[] y, double[] yErr) {
                    for (int i = 0; i < n; i++) {
                        int c = i / per;
                        y[i] = (x[i] - mean[c]) / std[c];
                        yErr[i] = (err[i] + 3 * U * (Math.abs(x[i]) + Math.abs(mean[c]))) / std[c] * (1 + 1e-6);
                    }
                }

                public BigDecimal[] exact(BigDecimal[] x) {
                    BigDecimal[] y = new BigDecimal[n];
                    for (int i = 0; i < n; i++) {
                        int c = i / per;
                        y[i] = x[i].subtract(new BigDecimal(mean[c])).divide(new BigDecimal(std[c]), DIVISION);
                    }
                    return y;
                }

                public double[] backward(double[] x, double[] g) {
                    double[] r = new double[n];
                    for (int i = 0; i < n; i++) {
                        r[i] = g[i] / std[i / per];
                    }
                    return r;
                }

                public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
                    return null;
                }

                public int outSize() {
                    return n;
                }
            };
        }
        if (layer instanceof BatchNorm bn) {
            long[] shape = bn.inputShape();
            int n = (int) Layer.elements(shape);
            int per = (int) (n / shape[0]);
            double[] gamma = bn.gamma();
            double[] beta = bn.beta();
            double[] mean = bn.mean();
            double[] variance = bn.variance();
            double eps = bn.eps();
            return new Step() {
                public void forward(double[] x, double[] err, double[] y, double[] yErr) {
                    for (int i = 0; i < n; i++) {
                        int c = i / per;
                        double s = gamma[c] / Math.sqrt(variance[c] + eps);
                        y[i] = (x[i] - mean[c]) * s + beta[c];
                        yErr[i] = (err[i] * Math.abs(s) + 8 * U * ((Math.abs(x[i]) + Math.abs(mean[c])) * Math.abs(s)
                                + Math.abs(beta[c]))) * (1 + 1e-6);
                    }
                }

                public BigDecimal[] exact(BigDecimal[] x) {
                    BigDecimal[] y = new BigDecimal[n];
                    for (int c = 0; c < shape[0]; c++) {
                        BigDecimal root = new BigDecimal(variance[c]).add(new BigDecimal(eps)).sqrt(DIVISION);
                        for (int i = c * per; i < (c + 1) * per; i++) {
                            y[i] = new BigDecimal(gamma[c]).multiply(x[i].subtract(new BigDecimal(mean[c])))
                                    .divide(root, DIVISION).add(new BigDecimal(beta[c]));
                        }
                    }
                    return y;
                }

                public double[] backward(double[] x, double[] g) {
                    double[] r = new double[n];
                    for (int i = 0; i < n; i++) {
                        int c = i / per;
                        r[i] = g[i] * gamma[c] / Math.sqrt(variance[c] + eps);
                    }
                    return r;
                }

                public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
                    return null;
                }

                public int outSize() {
                    return n;
                }
            };
        }
        throw new IllegalArgumentException("no reference for " + layer.type());
    }

    private interface WeightAt {
        int at(int row, int tap);
    }

    private interface BiasAt {
        int at(int row);
    }

    private static Step affine(int in, int out, double[] w, double[] b, int[][] index, WeightAt weightAt, BiasAt biasAt) {
        return new Step() {
            public void forward(double[] x, double[] err, double[] y, double[] yErr) {
                for (int o = 0; o < out; o++) {
                    double sum = 0, abs = 0, propagated = 0;
                    int[] taps = index[o];
                    for (int t = 0; t < taps.length; t++) {
                        double wt = w[weightAt.at(o, t)];
                        sum += wt * x[taps[t]];
                        abs += Math.abs(wt * x[taps[t]]);
                        propagated += Math.abs(wt) * err[taps[t]];
                    }
                    double bias = b[biasAt.at(o)];
                    y[o] = sum + bias;
                    yErr[o] = (propagated + gamma(taps.length + 2) * (abs + Math.abs(bias))) * (1 + 1e-6);
                }
            }

            public BigDecimal[] exact(BigDecimal[] x) {
                BigDecimal[] y = new BigDecimal[out];
                for (int o = 0; o < out; o++) {
                    BigDecimal sum = new BigDecimal(b[biasAt.at(o)]);
                    int[] taps = index[o];
                    for (int t = 0; t < taps.length; t++) {
                        sum = sum.add(new BigDecimal(w[weightAt.at(o, t)]).multiply(x[taps[t]]));
                    }
                    y[o] = sum;
                }
                return y;
            }

            public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
                BigDecimal[] l = new BigDecimal[out];
                BigDecimal[] u = new BigDecimal[out];
                for (int o = 0; o < out; o++) {
                    BigDecimal sl = new BigDecimal(b[biasAt.at(o)]);
                    BigDecimal su = sl;
                    int[] taps = index[o];
                    for (int t = 0; t < taps.length; t++) {
                        BigDecimal wt = new BigDecimal(w[weightAt.at(o, t)]);
                        boolean positive = wt.signum() >= 0;
                        sl = sl.add(wt.multiply(positive ? lo[taps[t]] : hi[taps[t]]));
                        su = su.add(wt.multiply(positive ? hi[taps[t]] : lo[taps[t]]));
                    }
                    l[o] = sl;
                    u[o] = su;
                }
                return new BigDecimal[][] {l, u};
            }

            public BigDecimal foldedLower(BigDecimal[] lo, BigDecimal[] hi, int y, int j) {
                BigDecimal sum = new BigDecimal(b[biasAt.at(y)]).subtract(new BigDecimal(b[biasAt.at(j)]));
                int[] tapsY = index[y];
                for (int t = 0; t < tapsY.length; t++) {
                    BigDecimal wt = new BigDecimal(w[weightAt.at(y, t)]).subtract(new BigDecimal(w[weightAt.at(j, t)]));
                    sum = sum.add(wt.multiply(wt.signum() >= 0 ? lo[tapsY[t]] : hi[tapsY[t]]));
                }
                return sum;
            }

            public double[] backward(double[] x, double[] g) {
                double[] r = new double[in];
                for (int o = 0; o < out; o++) {
                    int[] taps = index[o];
                    for (int t = 0; t < taps.length; t++) {
                        r[taps[t]] += w[weightAt.at(o, t)] * g[o];
                    }
                }
                return r;
            }

            public int outSize() {
                return out;
            }
        };
    }

    /** Logits in float64 and a rigorous bound on their error: {@code [0]} values, {@code [1]} errors. */
    public double[][] forwardWithError(double[] input) {
        double[] x = input.clone();
        double[] err = new double[x.length];
        for (Step s : steps) {
            double[] y = new double[s.outSize()];
            double[] yErr = new double[s.outSize()];
            s.forward(x, err, y, yErr);
            x = y;
            err = yErr;
        }
        return new double[][] {x, err};
    }

    /** Exact logits (Normalize's division to 120 digits). */
    public BigDecimal[] exactLogits(double[] input) {
        BigDecimal[] x = new BigDecimal[input.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = new BigDecimal(input[i]);
        }
        for (Step s : steps) {
            x = s.exact(x);
        }
        return x;
    }

    /** ∂(logit_y − logit_j)/∂input at the given point. */
    public double[] marginGradient(double[] input, int y, int j) {
        List<double[]> activations = new ArrayList<>();
        double[] x = input.clone();
        double[] err = new double[x.length];
        for (Step s : steps) {
            activations.add(x);
            double[] out = new double[s.outSize()];
            s.forward(x, err.length == x.length ? err : new double[x.length], out, new double[s.outSize()]);
            err = new double[out.length];
            x = out;
        }
        double[] g = new double[x.length];
        g[y] = 1;
        g[j] = -1;
        for (int i = steps.size() - 1; i >= 0; i--) {
            g = steps.get(i).backward(activations.get(i), g);
        }
        return g;
    }

    /** Exact interval image of a box through all steps (no Normalize). */
    public BigDecimal[][] exactInterval(BigDecimal[] lo, BigDecimal[] hi) {
        BigDecimal[] l = lo.clone();
        BigDecimal[] u = hi.clone();
        for (Step s : steps) {
            BigDecimal[][] next = s.exactInterval(l, u);
            l = next[0];
            u = next[1];
        }
        return new BigDecimal[][] {l, u};
    }

    /**
     * IBP of the margin z_y − z_j in exact arithmetic (BigDecimal) over the box [lo, hi] of doubles,
     * with the specification folded into the last layer. Only for networks without Normalize.
     * The box ends are exact reals, e.g. x − ε computed in BigDecimal.
     */
    public BigDecimal exactIbpMargin(BigDecimal[] lo, BigDecimal[] hi, int y, int j) {
        BigDecimal[] l = lo.clone();
        BigDecimal[] u = hi.clone();
        for (int k = 0; k < steps.size() - 1; k++) {
            BigDecimal[][] next = steps.get(k).exactInterval(l, u);
            if (next == null) {
                throw new UnsupportedOperationException("no exact interval rule for step " + k);
            }
            l = next[0];
            u = next[1];
        }
        return steps.get(steps.size() - 1).foldedLower(l, u, y, j);
    }

    public int inputSize() {
        return inputSize;
    }
}
