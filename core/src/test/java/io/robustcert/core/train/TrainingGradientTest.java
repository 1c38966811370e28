package io.robustcert.core.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.data.Batch;
import io.robustcert.core.io.Architecture;
import io.robustcert.core.perturb.InputDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Exact gradients of every training loss, checked against float64 central differences on small nets
 * that use every layer kind (conv with stride 1 and 2, padding 0 and 1, normalize, batchnorm, flatten, linear).
 */
class TrainingGradientTest {

    private static final double H = 1e-6;

    static final String CONV_NET = """
            {"input_shape": [2, 5, 5], "layers": [
              {"type": "normalize", "mean": [0.4, 0.6], "std": [0.5, 0.8]},
              {"type": "conv2d", "out": 3, "kernel": 3, "stride": 2, "padding": 1},
              {"type": "batchnorm", "gamma": [1.3, -0.6, 0.8], "beta": [0.1, -0.2, 0.05], "mean": [0.2, -0.1, 0.0],
               "var": [0.5, 1.5, 0.02]}, {"type": "relu"},
              {"type": "conv2d", "out": 4, "kernel": 2, "stride": 1, "padding": 0}, {"type": "relu"},
              {"type": "flatten"}, {"type": "linear", "out": 6}, {"type": "relu"}, {"type": "linear", "out": 4}]}""";
    static final String MLP = """
            {"input_shape": [6], "layers": [
              {"type": "linear", "out": 7}, {"type": "relu"}, {"type": "linear", "out": 5}, {"type": "relu"},
              {"type": "linear", "out": 3}]}""";

    record Setup(TrainableModel model, List<INDArray> params, Batch batch) {
    }

    static Setup setup(String arch, long seed, int batchSize) throws Exception {
        TrainableModel model = TrainableModel.initialized(Architecture.parse(arch), new SplittableRandom(seed));
        List<INDArray> params = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(seed + 1);
        for (INDArray p : model.parameters()) {
            // Larger weights than the default init: more unstable neurons, a sterner check.
            INDArray d = p.castTo(DataType.DOUBLE).mul(3.0);
            params.add(d);
        }
        long[] in = model.network().inputShape();
        long n = model.network().inputSize();
        double[] x = new double[(int) (batchSize * n)];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        int[] labels = new int[batchSize];
        for (int i = 0; i < batchSize; i++) {
            labels[i] = r.nextInt(model.network().numClasses());
        }
        long[] shape = new long[in.length + 1];
        shape[0] = batchSize;
        System.arraycopy(in, 0, shape, 1, in.length);
        return new Setup(model, params, new Batch(Nd4j.createFromArray(x).reshape('c', shape), labels, new int[batchSize]));
    }

    interface Loss {
        Var of(Tape tape, TrainableModel model, List<Var> params, Batch batch);
    }

    static Stream<Arguments> losses() {
        LossSettings box = new LossSettings(0.08, 0.6, 0.3, InputDomain.UNIT, new SplittableRandom(1));
        LossSettings unclipped = new LossSettings(0.05, 1.0, 0.0, InputDomain.UNBOUNDED, new SplittableRandom(1));
        List<Arguments> out = new ArrayList<>();
        for (String arch : List.of(MLP, CONV_NET)) {
            String kind = arch == MLP ? "mlp" : "conv";
            for (LossSettings s : List.of(box, unclipped)) {
                String tag = kind + (s.domain().bounded() ? " clipped β.6 κ.3" : " unclipped β1 κ0");
                out.add(Arguments.of(tag + " natural", arch, (Loss) (t, m, p, b) -> new NaturalTraining().loss(t, m, p, b, s)));
                out.add(Arguments.of(tag + " ibp", arch, (Loss) (t, m, p, b) -> new IbpTraining().loss(t, m, p, b, s)));
                out.add(Arguments.of(tag + " crown-ibp", arch, (Loss) (t, m, p, b) -> new CrownIbpTraining().loss(t, m, p, b, s)));
                out.add(Arguments.of(tag + " cap", arch, (Loss) (t, m, p, b) -> new CapTraining().loss(t, m, p, b, s)));
                out.add(Arguments.of(tag + " given slopes (ours, second pass)", arch, (Loss) (t, m, p, b) ->
                        RobustLoss.of(t, m, p, b, s, s.beta(), fixedSlopes(7))));
            }
        }
        return out.stream();
    }

    /** Slopes in [0, 1] that depend only on the neuron's position: the same at every evaluation. */
    static SlopeChoice fixedSlopes(long seed) {
        return (tape, index, l, u, d) -> {
            SplittableRandom r = new SplittableRandom(seed + index);
            double[] v = new double[(int) l.value().length()];
            for (int i = 0; i < v.length; i++) {
                v[i] = r.nextDouble();
            }
            return tape.constant(Nd4j.createFromArray(v).reshape('c', l.shape()));
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void weightGradientsMatchCentralDifferences(String name, String arch, Loss loss) throws Exception {
        Setup s = setup(arch, 11, 3);
        Tape tape = new Tape(DataType.DOUBLE);
        List<Var> vars = TrainableModel.onTape(tape, s.params(), true);
        Var value = loss.of(tape, s.model(), vars, s.batch());
        tape.backward(value);
        Function<List<INDArray>, Double> f = ps -> {
            Tape t = new Tape(DataType.DOUBLE);
            return loss.of(t, s.model(), TrainableModel.onTape(t, ps, false), s.batch()).scalar();
        };
        SplittableRandom pick = new SplittableRandom(5);
        int checked = 0;
        for (int k = 0; k < s.params().size(); k++) {
            INDArray p = s.params().get(k);
            INDArray g = vars.get(k).grad();
            for (int trial = 0; trial < 3; trial++) {
                long i = pick.nextLong(p.length());
                double expected = centralDifference(f, s.params(), k, i);
                double actual = g.getDouble(i);
                assertEquals(expected, actual, 1e-6 * (1 + Math.abs(expected)),
                        name + ": d/d " + s.model().names().get(k) + "[" + i + "]");
                checked++;
            }
        }
        assertTrue(checked >= 15);
    }

    /**
     * Training runs on float32 tapes, whose layers take other routes than the float64 ones checked above
     * (oneDNN's conv2d, deconv2d and conv2d_bp): the float32 gradients must equal the checked float64 ones up
     * to float32 rounding.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("losses")
    void float32GradientsEqualTheCheckedFloat64Ones(String name, String arch, Loss loss) throws Exception {
        Setup s = setup(arch, 17, 4);
        List<INDArray> exact = gradients(DataType.DOUBLE, s, loss);
        List<INDArray> fast = gradients(DataType.FLOAT, s, loss);
        for (int k = 0; k < exact.size(); k++) {
            INDArray e = exact.get(k);
            INDArray a = fast.get(k).castTo(DataType.DOUBLE);
            double scale = e.amaxNumber().doubleValue();
            double worst = a.sub(e).amaxNumber().doubleValue();
            assertTrue(worst <= 1e-4 * scale + 1e-6, name + ": " + s.model().names().get(k) + " differs by " + worst
                    + " (largest entry " + scale + ")");
        }
    }

    private static List<INDArray> gradients(DataType type, Setup s, Loss loss) {
        Tape tape = new Tape(type);
        List<INDArray> params = s.params().stream().map(p -> p.castTo(type)).toList();
        List<Var> vars = TrainableModel.onTape(tape, params, true);
        tape.backward(loss.of(tape, s.model(), vars, s.batch()));
        return vars.stream().map(Var::grad).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("archs")
    void slopeGradientsMatchCentralDifferences(String name, String arch) throws Exception {
        Setup s = setup(arch, 23, 3);
        LossSettings settings = new LossSettings(0.3, 1.0, 0.0, InputDomain.UNIT, new SplittableRandom(3));
        // The first pass of the paper's method: slopes are the tracked leaves, weights constants.
        Tape tape = new Tape(DataType.DOUBLE);
        TrainingSlopes.RandomLeaves leaves = new TrainingSlopes.RandomLeaves(new SplittableRandom(9));
        Var loss = RobustLoss.of(tape, s.model(), TrainableModel.onTape(tape, s.params(), false), s.batch(), settings,
                1.0, leaves);
        tape.backward(loss);
        List<INDArray> slopes = new ArrayList<>();
        for (Var a : leaves.drawn()) {
            slopes.add(a.value());
        }
        Function<List<INDArray>, Double> f = as -> {
            Tape t = new Tape(DataType.DOUBLE);
            return RobustLoss.of(t, s.model(), TrainableModel.onTape(t, s.params(), false), s.batch(), settings, 1.0,
                    TrainingSlopes.given(as)).scalar();
        };
        assertEquals(f.apply(slopes), loss.scalar(), 1e-12);
        int nonZero = 0;
        SplittableRandom pick = new SplittableRandom(4);
        for (int k = 0; k < slopes.size(); k++) {
            INDArray g = leaves.drawn().get(k).grad();
            for (int trial = 0; trial < 12; trial++) {
                long i = pick.nextLong(slopes.get(k).length());
                double expected = centralDifference(f, slopes, k, i);
                assertEquals(expected, g.getDouble(i), 1e-6 * (1 + Math.abs(expected)), name + " slope " + k + "[" + i + "]");
                nonZero += expected != 0 ? 1 : 0;
            }
        }
        assertTrue(nonZero > 5, "the check must see slopes that matter: " + nonZero);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("archs")
    void eachMethodComputesItsOwnBound(String name, String arch) throws Exception {
        Setup s = setup(arch, 31, 4);
        LossSettings settings = new LossSettings(0.1, 1.0, 0.0, InputDomain.UNIT, new SplittableRandom(3));
        java.util.Map<String, Double> losses = new java.util.TreeMap<>();
        for (String method : List.of("natural", "ibp", "crown-ibp", "cap", "ours")) {
            Tape t = new Tape(DataType.DOUBLE);
            losses.put(method, TrainingMethod.named(method).loss(t, s.model(), TrainableModel.onTape(t, s.params(), false),
                    s.batch(), settings).scalar());
        }
        assertEquals(5, new java.util.HashSet<>(losses.values()).size(), "five different losses: " + losses);
        // Every robust loss bounds the natural one from above (its margins are lower bounds of the clean ones).
        for (String m : List.of("ibp", "crown-ibp", "cap", "ours")) {
            assertTrue(losses.get(m) >= losses.get("natural") - 1e-12, m + ": " + losses);
        }
    }

    static Stream<Arguments> archs() {
        return Stream.of(Arguments.of("mlp", MLP), Arguments.of("conv", CONV_NET));
    }

    private static double centralDifference(Function<List<INDArray>, Double> f, List<INDArray> at, int k, long i) {
        List<INDArray> plus = new ArrayList<>();
        List<INDArray> minus = new ArrayList<>();
        for (INDArray p : at) {
            plus.add(p.dup());
            minus.add(p.dup());
        }
        double v = at.get(k).getDouble(i);
        plus.get(k).putScalar(i, v + H);
        minus.get(k).putScalar(i, v - H);
        return (f.apply(plus) - f.apply(minus)) / (2 * H);
    }
}
