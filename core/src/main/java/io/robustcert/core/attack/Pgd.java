package io.robustcert.core.attack;

import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * L∞ projected gradient descent (signed-gradient ascent on a loss, projected onto the ε-ball ∩ input
 * domain after every step), batched.
 *
 * <h2>Arithmetic</h2>
 * Gradients and the per-step logits are float32 ({@link Precision#FAST}), as in training. Iterates are
 * doubles kept between the exact ends of the ball ∩ domain around the clean input as given
 * ({@link ExactBall}), so no rounding can carry a point outside. A point counts as breaking a sample only
 * after a float64 forward pass ({@link Network#forward} in {@link Precision#SOUND}) finds z_j ≥ z_y for
 * some j ≠ y, and {@link ExactBall#contains} confirms it lies inside the ball and the domain; a point that
 * fails either check does not count. Every point whose float32 margin is within a small tolerance of 0 is
 * checked at once (so an attack that stops early does not stop on a float32-only success), and at the end
 * the lowest-margin point of each class is evaluated in float64 and counts too if it passes.
 *
 * <h2>Runs</h2>
 * The clean input is evaluated first. Then for each restart (outer) and each target (inner: one
 * untargeted run, or each wrong class when multi-targeted), every sample not yet stopped gets a lane: a
 * starting point (clean, or uniform in the ball ∩ domain from the lane's own seeded stream) and
 * {@code steps} steps. Lanes run in batches of at most {@value #CHUNK_ROWS} rows, fewer for wide networks
 * ({@link #chunkRows}). With early stop, a broken
 * sample's lanes stop at the next step and it gets no further lanes. Because every lane's randomness
 * depends only on (seed, restart, target, sample) and later restarts can only add broken samples, the
 * samples broken with r restarts are also broken with more.
 *
 * <p>Over all evaluated points the attack keeps, per sample and wrong class j, the point with the lowest
 * float32 z_y − z_j; the reported margins are float64 values at those points (and at the broken point).
 */
public final class Pgd {

    /** Rows per forward/backward batch. */
    static final int CHUNK_ROWS = 1024;
    /**
     * Bytes the widest layer output of one batch may take. Convolutions expand their input about 4-16×
     * (im2col) on top of it, so this keeps an attack on mnist_medium near 1 GiB of native memory instead of
     * several (1024 float64 rows of its first convolution's output alone are 205 MB).
     */
    static final long CHUNK_BYTES = 64L << 20;
    /** A float32 margin at most this (relative to 1 + max|z|) triggers the float64 check. */
    static final double CHECK_TOLERANCE = 1e-4;

    private final PgdOptions options;

    public Pgd(PgdOptions options) {
        if (options == null) {
            throw new IllegalArgumentException("attack options missing");
        }
        this.options = options;
    }

    public PgdOptions options() {
        return options;
    }

    /** Attacks inputs {@code [B, ...]} (any floating type; their values are the clean points). */
    public PgdResult attack(Network network, INDArray inputs, int[] labels) {
        if (inputs.size(0) != labels.length) {
            throw new IllegalArgumentException(inputs.size(0) + " inputs but " + labels.length + " labels");
        }
        if (labels.length == 0) {
            return attack(network, new double[0][], labels);
        }
        INDArray x = network.batched(inputs).reshape('c', labels.length, network.inputSize()).castTo(DataType.DOUBLE);
        return attack(network, x.toDoubleMatrix(), labels);
    }

    /** Attacks inputs given as rows of the network's input size. */
    public PgdResult attack(Network network, double[][] inputs, int[] labels) {
        return new Run(network, inputs, labels).execute();
    }

    /** One sample's state across lanes. */
    private static final class SampleState {
        final double[] x;
        final double[] lo;
        final double[] hi;
        final int label;
        /** Per class: the point with the lowest float32 z_y − z_j seen, and that margin. */
        final double[][] classBest;
        final double[] classBestMargin;
        boolean broken;
        double[] brokenPoint;
        double[] brokenLogits;

        SampleState(double[] x, int label, int classes, PgdOptions options) {
            this.x = x;
            this.label = label;
            int n = x.length;
            lo = new double[n];
            hi = new double[n];
            for (int k = 0; k < n; k++) {
                lo[k] = ExactBall.low(x[k], options.epsilon(), options.domain());
                hi[k] = ExactBall.high(x[k], options.epsilon(), options.domain());
            }
            classBest = new double[classes][];
            classBestMargin = new double[classes];
            Arrays.fill(classBestMargin, Double.POSITIVE_INFINITY);
        }
    }

    /** One starting point and its iterates. */
    private static final class Lane {
        final int sample;
        final int target;
        double[] point;
        /** True while {@link #point} is held as a best or broken point: the next step must copy it. */
        boolean shared;

        Lane(int sample, int target, double[] point) {
            this.sample = sample;
            this.target = target;
            this.point = point;
        }
    }

    private final class Run {
        final Network network;
        final int classes;
        final int n;
        final SampleState[] states;
        long gradientEvaluations;

        Run(Network network, double[][] inputs, int[] labels) {
            if (inputs.length != labels.length) {
                throw new IllegalArgumentException(inputs.length + " inputs but " + labels.length + " labels");
            }
            this.network = network;
            this.classes = network.numClasses();
            this.n = (int) network.inputSize();
            if (classes < 2) {
                throw new IllegalArgumentException("an attack needs at least 2 classes, the network has " + classes);
            }
            states = new SampleState[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                double[] x = inputs[i];
                if (x == null || x.length != n) {
                    throw new IllegalArgumentException("input " + i + " has " + (x == null ? 0 : x.length)
                            + " values, the network takes " + n);
                }
                for (double v : x) {
                    if (!Double.isFinite(v)) {
                        throw new IllegalArgumentException("input " + i + " contains NaN or infinite values");
                    }
                    if (!options.domain().contains(v)) {
                        throw new IllegalArgumentException("input " + i + " lies outside the input domain "
                                + options.domain() + " (value " + v + ")");
                    }
                }
                if (labels[i] < 0 || labels[i] >= classes) {
                    throw new IllegalArgumentException("label " + labels[i] + " of input " + i + " is not a class of a "
                            + classes + "-class network");
                }
                states[i] = new SampleState(x.clone(), labels[i], classes, options);
            }
        }

        PgdResult execute() {
            List<Lane> clean = new ArrayList<>();
            for (int i = 0; i < states.length; i++) {
                clean.add(new Lane(i, -1, states[i].x.clone()));
            }
            int rows = chunkRows(network, Float.BYTES);
            for (int from = 0; from < clean.size(); from += rows) {
                List<Lane> chunk = clean.subList(from, Math.min(clean.size(), from + rows));
                record(chunk, evaluate(chunk, false).logits);
            }
            for (int r = 0; r < options.restarts(); r++) {
                List<Lane> lanes = new ArrayList<>();
                int[] targets = targets();
                for (int t : targets) {
                    for (int i = 0; i < states.length; i++) {
                        if (t != states[i].label && !stopped(i)) {
                            lanes.add(new Lane(i, t, null));
                        }
                    }
                }
                for (int from = 0; from < lanes.size(); from += rows) {
                    runChunk(lanes.subList(from, Math.min(lanes.size(), from + rows)), r);
                }
            }
            return finish();
        }

        int[] targets() {
            if (!options.multiTargeted()) {
                return new int[] {-1};
            }
            int[] t = new int[classes];
            for (int j = 0; j < classes; j++) {
                t[j] = j;
            }
            return t;
        }

        boolean stopped(int sample) {
            return options.earlyStop() && states[sample].broken;
        }

        void runChunk(List<Lane> chunk, int restart) {
            for (Lane lane : chunk) {
                if (stopped(lane.sample)) {
                    continue;
                }
                SampleState s = states[lane.sample];
                if (restart == 0 && !options.randomStart()) {
                    lane.point = s.x.clone();
                } else {
                    SplittableRandom random = new SplittableRandom(laneSeed(options.seed(), restart, lane.target, lane.sample));
                    double[] p = new double[n];
                    for (int k = 0; k < n; k++) {
                        p[k] = Math.min(Math.max(s.lo[k] + random.nextDouble() * (s.hi[k] - s.lo[k]), s.lo[k]), s.hi[k]);
                    }
                    lane.point = p;
                }
            }
            for (int t = 0; t <= options.steps(); t++) {
                List<Lane> active = new ArrayList<>(chunk.size());
                for (Lane lane : chunk) {
                    if (lane.point != null && !stopped(lane.sample)) {
                        active.add(lane);
                    }
                }
                if (active.isEmpty()) {
                    return;
                }
                boolean step = t < options.steps();
                Evaluation e = evaluate(active, step);
                record(active, e.logits);
                if (!step) {
                    return;
                }
                double alpha = options.stepSizeAt(t);
                for (int row = 0; row < active.size(); row++) {
                    Lane lane = active.get(row);
                    if (stopped(lane.sample)) {
                        continue;
                    }
                    SampleState s = states[lane.sample];
                    double[] p = lane.shared ? new double[n] : lane.point;
                    double[] old = lane.point;
                    int offset = row * n;
                    for (int k = 0; k < n; k++) {
                        float g = e.gradient[offset + k];
                        double v = g > 0 ? old[k] + alpha : g < 0 ? old[k] - alpha : old[k];
                        p[k] = Math.min(Math.max(v, s.lo[k]), s.hi[k]);
                    }
                    lane.point = p;
                    lane.shared = false;
                }
            }
        }

        /** Float32 logits {@code [m·K]} and, when asked, input gradients {@code [m·n]} of the lanes' losses. */
        record Evaluation(float[] logits, float[] gradient) {
        }

        Evaluation evaluate(List<Lane> lanes, boolean withGradient) {
            int m = lanes.size();
            float[] data = new float[m * n];
            for (int row = 0; row < m; row++) {
                double[] p = lanes.get(row).point;
                for (int k = 0; k < n; k++) {
                    data[row * n + k] = (float) p[k];
                }
            }
            return Workspaces.compute(() -> {
                INDArray in = Nd4j.create(data, new long[] {m, n}, 'c');
                if (!withGradient) {
                    return new Evaluation(floats(network.forward(in, Precision.FAST)), null);
                }
                gradientEvaluations += m;
                Network.LogitsAndGradient lg = network.logitsAndGradient(in, z -> {
                    float[] logits = floats(z);
                    float[] cotangent = new float[m * classes];
                    for (int row = 0; row < m; row++) {
                        Lane lane = lanes.get(row);
                        logitGradient(logits, cotangent, row * classes, states[lane.sample].label, lane.target);
                    }
                    return Nd4j.create(cotangent, new long[] {m, classes}, 'c');
                }, Precision.FAST);
                return new Evaluation(floats(lg.logits()), floats(lg.gradient()));
            });
        }

        /** ∂loss/∂z for one row: ascent direction on the logits. */
        void logitGradient(float[] z, float[] out, int offset, int label, int target) {
            if (options.loss() == PgdOptions.Loss.MARGIN) {
                int j = target;
                if (j < 0) {
                    // untargeted: the strongest wrong class
                    double best = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        if (c != label && (j < 0 || z[offset + c] > best)) {
                            best = z[offset + c];
                            j = c;
                        }
                    }
                }
                out[offset + j] += 1f;
                out[offset + label] -= 1f;
                return;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, z[offset + c]);
            }
            double sum = 0;
            double[] e = new double[classes];
            for (int c = 0; c < classes; c++) {
                e[c] = Math.exp(z[offset + c] - max);
                sum += e[c];
            }
            // untargeted: CE(z, y) = logsumexp(z) − z_y, gradient softmax − e_y;
            // targeted: log softmax_t(z) = z_t − logsumexp(z), gradient e_t − softmax
            double sign = target < 0 ? 1 : -1;
            for (int c = 0; c < classes; c++) {
                out[offset + c] = (float) (sign * e[c] / sum);
            }
            out[offset + (target < 0 ? label : target)] -= (float) sign;
        }

        /** Updates the per-class best points and checks near-misclassified points in float64. */
        void record(List<Lane> lanes, float[] logits) {
            List<Lane> candidates = new ArrayList<>();
            for (int row = 0; row < lanes.size(); row++) {
                Lane lane = lanes.get(row);
                SampleState s = states[lane.sample];
                int offset = row * classes;
                double zy = logits[offset + s.label];
                double lowest = Double.POSITIVE_INFINITY;
                double scale = 1;
                for (int j = 0; j < classes; j++) {
                    scale = Math.max(scale, 1 + Math.abs(logits[offset + j]));
                    if (j == s.label) {
                        continue;
                    }
                    double margin = zy - logits[offset + j];
                    lowest = Math.min(lowest, margin);
                    if (margin < s.classBestMargin[j] || s.classBest[j] == null) {
                        s.classBestMargin[j] = margin;
                        s.classBest[j] = lane.point;
                        lane.shared = true;
                    }
                }
                if (!s.broken && !(lowest > CHECK_TOLERANCE * scale)) {
                    candidates.add(lane);
                }
            }
            if (candidates.isEmpty()) {
                return;
            }
            double[][] points = new double[candidates.size()][];
            for (int c = 0; c < points.length; c++) {
                points[c] = candidates.get(c).point;
            }
            double[][] exact = logits64(points);
            for (int c = 0; c < points.length; c++) {
                Lane lane = candidates.get(c);
                SampleState s = states[lane.sample];
                if (!s.broken && misclassified(exact[c], s.label) && ExactBall.contains(s.x, points[c],
                        options.epsilon(), options.domain())) {
                    s.broken = true;
                    s.brokenPoint = points[c];
                    s.brokenLogits = exact[c];
                    lane.shared = true;
                }
            }
        }

        /** Float64 logits of each point (a {@link Precision#SOUND} forward pass). */
        double[][] logits64(double[][] points) {
            double[][] out = new double[points.length][];
            int rows = chunkRows(network, Double.BYTES);
            for (int from = 0; from < points.length; from += rows) {
                int to = Math.min(points.length, from + rows);
                double[] data = new double[(to - from) * n];
                for (int row = from; row < to; row++) {
                    System.arraycopy(points[row], 0, data, (row - from) * n, n);
                }
                INDArray z = network.forward(Nd4j.create(data, new long[] {to - from, n}, 'c'), Precision.SOUND);
                double[] flat = z.reshape('c', new long[] {z.length()}).toDoubleVector();
                for (int row = from; row < to; row++) {
                    out[row] = Arrays.copyOfRange(flat, (row - from) * classes, (row - from + 1) * classes);
                }
            }
            return out;
        }

        /** Evaluates each sample's best points in float64 and assembles the result. */
        PgdResult finish() {
            List<double[]> rows = new ArrayList<>();
            List<Map<double[], Integer>> indexOf = new ArrayList<>();
            for (int i = 0; i < states.length; i++) {
                SampleState s = states[i];
                Map<double[], Integer> index = new IdentityHashMap<>();
                for (int j = 0; j < classes; j++) {
                    double[] p = s.classBest[j];
                    if (j != s.label && p != s.brokenPoint && !index.containsKey(p)) {
                        index.put(p, rows.size());
                        rows.add(p);
                    }
                }
                indexOf.add(index);
            }
            double[][] z = logits64(rows.toArray(new double[0][]));
            List<PgdResult.Sample> samples = new ArrayList<>(states.length);
            for (int i = 0; i < states.length; i++) {
                SampleState s = states[i];
                List<double[]> points = new ArrayList<>();
                List<double[]> logits = new ArrayList<>();
                if (s.broken) {
                    points.add(s.brokenPoint);
                    logits.add(s.brokenLogits);
                }
                for (Map.Entry<double[], Integer> e : indexOf.get(i).entrySet()) {
                    points.add(e.getKey());
                    logits.add(z[e.getValue()]);
                }
                double[] classMargins = new double[classes - 1];
                double[][] classPoints = new double[classes - 1][];
                Arrays.fill(classMargins, Double.POSITIVE_INFINITY);
                int bestPoint = -1;
                double bestMargin = Double.POSITIVE_INFINITY;
                for (int c = 0; c < points.size(); c++) {
                    double[] zc = logits.get(c);
                    for (int j = 0; j < classes; j++) {
                        if (j == s.label) {
                            continue;
                        }
                        int r = j < s.label ? j : j - 1;
                        double margin = zc[s.label] - zc[j];
                        if (margin < classMargins[r] || classPoints[r] == null) {
                            classMargins[r] = margin;
                            classPoints[r] = points.get(c);
                        }
                    }
                    double margin = margin(zc, s.label);
                    if (margin < bestMargin || bestPoint < 0) {
                        bestMargin = margin;
                        bestPoint = c;
                    }
                }
                if (!s.broken && bestMargin <= 0
                        && ExactBall.contains(s.x, points.get(bestPoint), options.epsilon(), options.domain())) {
                    s.broken = true;
                    s.brokenPoint = points.get(bestPoint);
                    s.brokenLogits = logits.get(bestPoint);
                }
                double[] adversarial = s.broken ? s.brokenPoint : points.get(bestPoint);
                double[] adversarialLogits = s.broken ? s.brokenLogits : logits.get(bestPoint);
                double lowest = Double.POSITIVE_INFINITY;
                for (double m : classMargins) {
                    lowest = Math.min(lowest, m);
                }
                double[][] copies = new double[classPoints.length][];
                for (int r = 0; r < copies.length; r++) {
                    copies[r] = classPoints[r].clone();
                }
                samples.add(new PgdResult.Sample(s.label, adversarial.clone(), adversarialLogits.clone(), s.broken,
                        lowest, classMargins, copies));
            }
            return new PgdResult(options, samples, gradientEvaluations);
        }
    }

    /** Rows per batch: at most {@value #CHUNK_ROWS}, and the widest layer output within {@link #CHUNK_BYTES}. */
    static int chunkRows(Network network, int bytesPerValue) {
        long widest = network.inputSize();
        for (Layer layer : network.layers()) {
            widest = Math.max(widest, Layer.elements(layer.outputShape()));
        }
        return (int) Math.max(1, Math.min(CHUNK_ROWS, CHUNK_BYTES / (widest * bytesPerValue)));
    }

    /** z_y − max_{j≠y} z_j. */
    static double margin(double[] z, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < z.length; j++) {
            if (j != label) {
                max = Math.max(max, z[j]);
            }
        }
        return z[label] - max;
    }

    /** Some wrong class at least as large as the label's logit (NaN logits count as not misclassified). */
    static boolean misclassified(double[] z, int label) {
        return margin(z, label) <= 0;
    }

    /** A well-mixed seed per (seed, restart, target, sample): streams of different lanes do not overlap. */
    static long laneSeed(long seed, int restart, int target, int sample) {
        long h = mix(seed ^ 0x6A09E667F3BCC909L);
        h = mix(h ^ restart);
        h = mix(h ^ (target + 1L));
        return mix(h ^ sample);
    }

    /** Stafford's mix13 (the finalizer of SplittableRandom). */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static float[] floats(INDArray a) {
        INDArray c = a.dataType() == DataType.FLOAT ? a : a.castTo(DataType.FLOAT);
        return c.reshape('c', new long[] {c.length()}).toFloatVector();
    }
}
