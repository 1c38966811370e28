package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ExactBox;
import io.robustcert.core.testing.ReferenceNetwork;
import io.robustcert.core.testing.TestNetworks;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * No point of the box has a margin below any method's lower bound: uniform samples, random corners and
 * points found by signed-gradient descent on each margin, at least 2 000 per example and case. Sound
 * mode: zero tolerance against the sampled margin's exact value (float64 minus its own error bound,
 * or BigDecimal where that is not conclusive). Fast mode: tolerance 1e-5·(1 + |margin|).
 */
class BoundSoundnessTest {

    static final double[] EPSILONS = {0, 1e-3, 0.01, 0.1, 0.3};
    static final int UNIFORM = 1400;
    static final int CORNERS = 500;
    static final int SEARCH_STEPS = 20;
    private static long unstableCases;
    private static long totalCases;

    static List<BoundMethod> methods() {
        return List.of(new Ibp(), new CrownIbp(FixedSlopeRule.ADAPTIVE), new CrownIbp(FixedSlopeRule.ZERO),
                new CrownIbp(FixedSlopeRule.ONE), new CrownIbp(FixedSlopeRule.SAME), new Crown(FixedSlopeRule.ADAPTIVE),
                new Crown(FixedSlopeRule.SAME), new BetaMix(0.5, FixedSlopeRule.ADAPTIVE),
                new io.robustcert.core.train.GradientSlopeBound(3));
    }

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (TestNetworks.Case c : TestNetworks.shapes()) {
            for (double eps : EPSILONS) {
                for (InputDomain domain : List.of(InputDomain.UNIT, InputDomain.UNBOUNDED)) {
                    if (domain == InputDomain.UNBOUNDED && eps != 0.1) {
                        continue;
                    }
                    args.add(Arguments.of(c, eps, domain));
                }
            }
        }
        return args.stream();
    }

    @ParameterizedTest(name = "{0}, eps {1}, domain {2}")
    @MethodSource("cases")
    void noSampledMarginBelowAnyLowerBound(TestNetworks.Case testCase, double eps, InputDomain domain) {
        Network net = testCase.network();
        ReferenceNetwork reference = new ReferenceNetwork(net);
        int classes = net.numClasses();
        double[][] inputs = TestNetworks.inputs(Double.doubleToLongBits(eps) ^ testCase.name().hashCode(), 2, net.inputSize());
        SplittableRandom random = new SplittableRandom(42 + inputs.length);
        int[] labels = new int[inputs.length];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = random.nextInt(classes);
        }
        INDArray x = Nd4j.createFromArray(inputs);
        LinfBall ball = new LinfBall(eps, domain);
        countUnstable(net, x, ball);

        List<double[][]> fast = new ArrayList<>();
        List<double[][]> sound = new ArrayList<>();
        for (BoundMethod m : methods()) {
            fast.add(m.compute(net, x, labels, ball, Precision.FAST).lowerMatrix());
            sound.add(m.compute(net, x, labels, ball, Precision.SOUND).lowerMatrix());
        }
        for (int b = 0; b < inputs.length; b++) {
            List<double[]> points = samples(reference, inputs[b], labels[b], eps, domain, random);
            if (eps > 0) {
                assertTrue(points.size() >= 2000, "only " + points.size() + " points");
            }
            for (double[] p : points) {
                double[][] logits = reference.forwardWithError(p);
                for (int r = 0; r < classes - 1; r++) {
                    int j = r < labels[b] ? r : r + 1;
                    double margin = logits[0][labels[b]] - logits[0][j];
                    double error = (logits[1][labels[b]] + logits[1][j] + 0x1p-52 * Math.abs(margin)) * (1 + 1e-6);
                    for (int m = 0; m < fast.size(); m++) {
                        String what = methods().get(m).label() + " row " + r + " example " + b;
                        double f = fast.get(m)[b][r];
                        if (f > margin + 1e-5 * (1 + Math.abs(margin))) {
                            fail("fast " + what + ": lower bound " + f + " above sampled margin " + margin);
                        }
                        double s = sound.get(m)[b][r];
                        if (s > margin - error) {
                            BigDecimal[] exact = reference.exactLogits(p);
                            BigDecimal exactMargin = exact[labels[b]].subtract(exact[j]);
                            if (new BigDecimal(s).compareTo(exactMargin) > 0) {
                                fail("sound " + what + ": lower bound " + s + " above exact margin " + exactMargin);
                            }
                        }
                    }
                }
            }
        }
    }

    /** Uniform points, random corners, and signed-gradient descent on every margin, all inside the exact box. */
    static List<double[]> samples(ReferenceNetwork reference, double[] x, int label, double eps, InputDomain domain,
                                  SplittableRandom random) {
        ExactBox box = new ExactBox(x, eps, domain);
        List<double[]> points = new ArrayList<>();
        points.add(x.clone());
        if (eps == 0) {
            return points; // the box is the single point x
        }
        int n = x.length;
        for (int s = 0; s < UNIFORM; s++) {
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = box.clamp(i, box.low(i) + random.nextDouble() * (box.high(i) - box.low(i)));
            }
            points.add(p);
        }
        for (int s = 0; s < CORNERS; s++) {
            double[] p = new double[n];
            for (int i = 0; i < n; i++) {
                p[i] = random.nextBoolean() ? box.low(i) : box.high(i);
            }
            points.add(p);
        }
        int classes = reference.forwardWithError(x)[0].length;
        for (int j = 0; j < classes; j++) {
            if (j == label) {
                continue;
            }
            for (int start = 0; start < 3; start++) {
                double[] p = start == 0 ? x.clone() : points.get(1 + random.nextInt(UNIFORM)).clone();
                for (int step = 0; step < SEARCH_STEPS; step++) {
                    double[] g = reference.marginGradient(p, label, j);
                    double size = eps / 4 * (1 - (double) step / SEARCH_STEPS) + eps / 50;
                    double[] q = new double[n];
                    for (int i = 0; i < n; i++) {
                        q[i] = box.clamp(i, p[i] - size * Math.signum(g[i]));
                    }
                    points.add(q);
                    p = q;
                }
            }
        }
        return points;
    }

    private static void countUnstable(Network net, INDArray x, LinfBall ball) {
        List<IntervalBounds> bounds = BoundPropagation.intervals(net, ball.box(BoundPropagation.prepare(net, x, Precision.FAST), Precision.FAST), Precision.FAST);
        totalCases++;
        for (int i = 0; i < net.size(); i++) {
            if (net.layer(i) instanceof Relu) {
                INDArray l = bounds.get(i).lower();
                INDArray u = bounds.get(i).upper();
                if (l.lt(0).castTo(org.nd4j.linalg.api.buffer.DataType.INT32)
                        .mul(u.gt(0).castTo(org.nd4j.linalg.api.buffer.DataType.INT32)).sumNumber().intValue() > 0) {
                    unstableCases++;
                    return;
                }
            }
        }
    }

    /** The sampling above only means something if many cases have unstable neurons. */
    @AfterAll
    static void manyCasesHaveUnstableNeurons() {
        assertTrue(unstableCases * 2 >= totalCases, unstableCases + " of " + totalCases + " cases had unstable neurons");
    }

    @Test
    void sampleGeneratorStaysInsideTheExactBox() {
        double[] x = {0.3, 0.99, 0.0, 0.1};
        ExactBox box = new ExactBox(x, 0.1, InputDomain.UNIT);
        for (int i = 0; i < x.length; i++) {
            BigDecimal lo = new BigDecimal(x[i]).subtract(new BigDecimal(0.1)).max(BigDecimal.ZERO);
            BigDecimal hi = new BigDecimal(x[i]).add(new BigDecimal(0.1)).min(BigDecimal.ONE);
            assertTrue(new BigDecimal(box.low(i)).compareTo(lo) >= 0 && new BigDecimal(box.high(i)).compareTo(hi) <= 0);
        }
    }
}
