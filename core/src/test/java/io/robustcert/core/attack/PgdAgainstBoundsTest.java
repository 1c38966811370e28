package io.robustcert.core.attack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.Crown;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * PGD sits between the certified bounds and random sampling: on random small networks, the lowest margin
 * PGD finds for each wrong class is never below a sound lower bound (IBP, CROWN-IBP, CROWN; zero
 * tolerance, exact arithmetic where float64 is not conclusive), and on at least 95% of (input, class)
 * cases it is no higher than the lowest of 10 000 uniform samples of the box plus 1e-3·(1 + |that|).
 */
class PgdAgainstBoundsTest {

    static final double[] EPSILONS = {0.01, 0.05, 0.1, 0.3};
    static final int INPUTS = 3;
    static final int UNIFORM = 10_000;
    private static int cases;
    private static int atMostSampled;
    private static final List<String> misses = new ArrayList<>();

    static Stream<Arguments> cases() {
        List<Arguments> args = new ArrayList<>();
        for (TestNetworks.Case c : TestNetworks.shapes()) {
            for (double eps : EPSILONS) {
                args.add(Arguments.of(c, eps, InputDomain.UNIT));
            }
            args.add(Arguments.of(c, 0.1, InputDomain.UNBOUNDED));
        }
        return args.stream();
    }

    static PgdOptions options(double eps, InputDomain domain) {
        return PgdOptions.platformDefault(eps).withDomain(domain).withSteps(40).withRestarts(2).withMultiTargeted(true)
                .withEarlyStop(false).withSeed(17);
    }

    @ParameterizedTest(name = "{0}, eps {1}, domain {2}")
    @MethodSource("cases")
    void pgdLiesBetweenTheBoundsAndSampling(TestNetworks.Case testCase, double eps, InputDomain domain) {
        Network net = testCase.network();
        ReferenceNetwork reference = new ReferenceNetwork(net);
        int classes = net.numClasses();
        double[][] x = TestNetworks.inputs(testCase.name().hashCode() * 31L + Double.hashCode(eps), INPUTS, net.inputSize());
        SplittableRandom random = new SplittableRandom(Double.doubleToLongBits(eps) ^ 99);
        int[] labels = new int[INPUTS];
        for (int b = 0; b < INPUTS; b++) {
            labels[b] = random.nextInt(classes);
        }
        PgdResult result = new Pgd(options(eps, domain)).attack(net, x, labels);

        LinfBall ball = new LinfBall(eps, domain);
        List<BoundMethod> methods = List.of(new Ibp(), new CrownIbp(), new Crown());
        List<double[][]> bounds = new ArrayList<>();
        for (BoundMethod m : methods) {
            bounds.add(m.compute(net, Nd4j.createFromArray(x), labels, ball, Precision.SOUND).lowerMatrix());
        }
        for (int b = 0; b < INPUTS; b++) {
            PgdResult.Sample s = result.sample(b);
            ExactBox box = new ExactBox(x[b], eps, domain);
            double[][] points = s.classPoints();
            for (double[] p : points) {
                inside(box, p);
            }
            double[][] z = net.forward(Nd4j.createFromArray(points), Precision.SOUND).toDoubleMatrix();
            double[] sampled = sampledMinima(net, box, labels[b], random);
            for (int r = 0; r < classes - 1; r++) {
                int j = r < labels[b] ? r : r + 1;
                double margin = z[r][labels[b]] - z[r][j];
                assertEquals(s.classMargins()[r], margin, 1e-12 * (1 + Math.abs(margin)), "reported margin");
                for (int m = 0; m < methods.size(); m++) {
                    double lower = bounds.get(m)[b][r];
                    if (margin - lower <= 1e-9 * (1 + Math.abs(lower))) {
                        BigDecimal[] exact = reference.exactLogits(points[r]);
                        BigDecimal exactMargin = exact[labels[b]].subtract(exact[j]);
                        if (exactMargin.compareTo(new BigDecimal(lower)) < 0) {
                            fail(methods.get(m).label() + " example " + b + " class " + j + ": PGD found margin "
                                    + exactMargin + " below the sound lower bound " + lower);
                        }
                    }
                }
                synchronized (PgdAgainstBoundsTest.class) {
                    cases++;
                    if (margin <= sampled[j] + 1e-3 * (1 + Math.abs(sampled[j]))) {
                        atMostSampled++;
                    } else {
                        misses.add(testCase + " eps " + eps + " example " + b + " class " + j + ": PGD " + margin
                                + ", sampled " + sampled[j]);
                    }
                }
            }
            assertEquals(s.lowestMargin() <= 0, s.broken());
        }
    }

    /** Per class j, the lowest float64 z_y − z_j over uniform points of the box. */
    private static double[] sampledMinima(Network net, ExactBox box, int label, SplittableRandom random) {
        int n = box.size();
        int k = net.numClasses();
        double[] points = new double[UNIFORM * n];
        for (int s = 0; s < UNIFORM; s++) {
            for (int i = 0; i < n; i++) {
                points[s * n + i] = box.clamp(i, box.low(i) + random.nextDouble() * (box.high(i) - box.low(i)));
            }
        }
        INDArray logits = net.forward(Nd4j.create(points, new long[] {UNIFORM, n}, 'c'), Precision.SOUND);
        double[] z = logits.reshape('c', new long[] {logits.length()}).toDoubleVector();
        double[] min = new double[k];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        for (int s = 0; s < UNIFORM; s++) {
            for (int j = 0; j < k; j++) {
                min[j] = Math.min(min[j], z[s * k + label] - z[s * k + j]);
            }
        }
        return min;
    }

    private static void inside(ExactBox box, double[] p) {
        for (int i = 0; i < p.length; i++) {
            if (!(p[i] >= box.low(i) && p[i] <= box.high(i))) {
                fail("coordinate " + i + " = " + p[i] + " outside [" + box.low(i) + ", " + box.high(i) + "]");
            }
        }
    }

    @AfterAll
    static void pgdIsAtLeastAsStrongAsSamplingAlmostAlways() {
        System.out.println("PGD at most the sampled minimum (+1e-3 relative) on " + atMostSampled + " of " + cases
                + " (input, class) cases" + (misses.isEmpty() ? "" : "; misses: " + misses));
        assertTrue(cases > 0);
        assertTrue(atMostSampled >= 0.95 * cases, atMostSampled + " of " + cases + ": " + misses);
    }
}
