package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Methods run together share one interval pass and change no result: on a certifiably trained and a naturally
 * trained model, on real MNIST, at small to large ε, each method's sound verdicts from the suite equal its
 * verdicts computed alone without any screen, the bounds the suite computes equal the ones computed alone,
 * what it drops is −∞ and not verified; in fast mode every bound is the one computed alone.
 */
class BoundSuiteTest {

    private static final int IMAGES = 64;

    @Test
    void sharedIntervalsGiveEachMethodItsOwnSoundVerdictsAndBounds() {
        Dataset data = RealMnist.test(IMAGES);
        INDArray inputs = Nd4j.createFromArray(RealMnist.inputs(data));
        int[] labels = data.labels();
        // A method that is not an interval method takes no part in the shared pass: it runs on its own,
        // screened, in its place in the order. IBP, the loosest, comes last: a suite that let one method's
        // screen decide would drop what CROWN-IBP keeps.
        List<BoundMethod> methods = List.of(new CrownIbp(), alone(new CrownIbp(FixedSlopeRule.SAME)),
                new CrownIbp(FixedSlopeRule.SAME), new Ibp());
        ScreenComparison comparison = new ScreenComparison();
        int verified = 0;
        for (Network model : List.of(Fixtures.mnistSmall(), RealMnist.naturalModel())) {
            for (double eps : new double[] {0.005, 0.05, 0.1, 0.3}) {
                LinfBall ball = new LinfBall(eps, InputDomain.UNIT);
                List<MarginBounds> together = BoundSuite.of(methods).compute(model, inputs, labels, ball, Precision.SOUND);
                assertEquals(methods.size(), together.size());
                for (int k = 0; k < methods.size(); k++) {
                    BoundMethod method = methods.get(k);
                    MarginBounds alone = method.compute(model, inputs, labels, ball, Precision.SOUND);
                    MarginBounds shared = together.get(k);
                    assertEquals(method.label(), shared.method());
                    String where = method.label() + " at ε " + eps;
                    comparison.check(where, alone, shared);
                    // the suite keeps every example that any of its methods keeps, so it drops no example
                    // that the method's own screen would keep
                    double[][] screenedAlone = FloatScreen.of(method).compute(model, inputs, labels, ball, Precision.SOUND)
                            .lowerMatrix();
                    double[][] suite = shared.lowerMatrix();
                    for (int i = 0; i < IMAGES; i++) {
                        if (suite[i][0] == Double.NEGATIVE_INFINITY) {
                            assertEquals(Double.NEGATIVE_INFINITY, screenedAlone[i][0], where + ": sample " + i
                                    + " dropped by the suite, kept by the method's own screen");
                        }
                    }
                    verified += (int) shared.verifiedCount();
                }
            }
        }
        // every path exercised: examples dropped by the screen, bounded soundly, and certified
        assertTrue(comparison.dropped() > IMAGES, "dropped " + comparison.dropped());
        assertTrue(comparison.computed() > IMAGES, "computed " + comparison.computed());
        assertTrue(verified > IMAGES, "verified " + verified);
    }

    @Test
    void fastModeGivesTheBoundsOfEachMethodAlone() {
        Dataset data = RealMnist.test(16);
        INDArray inputs = Nd4j.createFromArray(RealMnist.inputs(data));
        LinfBall ball = new LinfBall(0.1, InputDomain.UNIT);
        Network model = Fixtures.mnistSmall();
        List<BoundMethod> methods = List.of(new Ibp(), new CrownIbp());
        List<MarginBounds> together = BoundSuite.of(methods).compute(model, inputs, data.labels(), ball, Precision.FAST);
        for (int k = 0; k < methods.size(); k++) {
            MarginBounds alone = methods.get(k).compute(model, inputs, data.labels(), ball, Precision.FAST);
            assertArrayEquals(alone.lowerMatrix(), together.get(k).lowerMatrix(), methods.get(k).label());
            assertArrayEquals(alone.verified(), together.get(k).verified());
        }
    }

    @Test
    void anEmptySuiteBoundsNothingAndAMissingOneIsRefused() {
        Dataset data = RealMnist.test(2);
        assertEquals(List.of(), BoundSuite.of(List.of()).compute(Fixtures.mnistSmall(),
                Nd4j.createFromArray(RealMnist.inputs(data)), data.labels(), new LinfBall(0.1, InputDomain.UNIT),
                Precision.SOUND));
        assertThrows(IllegalArgumentException.class, () -> BoundSuite.of(null));
    }

    /** The method behind a plain {@link BoundMethod}, under its own label. */
    private static BoundMethod alone(BoundMethod method) {
        return new BoundMethod() {
            @Override
            public String label() {
                return method.label() + "-alone";
            }

            @Override
            public boolean perExample() {
                return true;
            }

            @Override
            public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
                return method.compute(network, inputs, labels, ball, precision).withMethod(label());
            }
        };
    }
}
