package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.data.Dataset;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.ExplicitSlopes;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 screen changes no sound verdict: on a certifiably trained and a naturally trained model, on
 * real MNIST, at small to large ε, every method's verdicts with the screen equal its verdicts without, the
 * bounds it does compute equal the unscreened ones, and what it drops is reported as −∞ and not verified.
 */
class FloatScreenTest {

    private static final int IMAGES = 64;

    @Test
    void verdictsEqualTheUnscreenedSoundOnesOnTrainedAndNaturalModels() {
        Dataset data = RealMnist.test(IMAGES);
        INDArray inputs = Nd4j.createFromArray(RealMnist.inputs(data));
        int[] labels = data.labels();
        ScreenComparison comparison = new ScreenComparison();
        for (Network model : List.of(Fixtures.mnistSmall(), RealMnist.naturalModel())) {
            for (double eps : new double[] {0.005, 0.05, 0.1, 0.3}) {
                LinfBall ball = new LinfBall(eps, InputDomain.UNIT);
                for (BoundMethod method : List.of(new Ibp(), new CrownIbp(), new CrownIbp(FixedSlopeRule.SAME))) {
                    MarginBounds plain = method.compute(model, inputs, labels, ball, Precision.SOUND);
                    MarginBounds screened = FloatScreen.of(method).compute(model, inputs, labels, ball, Precision.SOUND);
                    assertEquals(method.label(), screened.method());
                    comparison.check(method.label() + " at ε " + eps, plain, screened);
                }
            }
        }
        // both paths exercised: clear failures dropped, the rest bounded soundly
        assertTrue(comparison.dropped() > IMAGES, "dropped " + comparison.dropped());
        assertTrue(comparison.computed() > IMAGES, "kept " + comparison.computed());
    }

    @Test
    void onlyPerExampleMethodsAreScreenedAndFastModeRunsUnchanged() {
        BoundMethod explicit = new CrownIbp(new ExplicitSlopes(List.of()));
        assertSame(explicit, FloatScreen.of(explicit));
        BoundMethod ibp = new Ibp();
        BoundMethod screened = FloatScreen.of(ibp);
        assertSame(screened, FloatScreen.of(screened));
        assertTrue(new Crown().perExample());
        assertFalse(new Crown(new ExplicitSlopes(List.of())).perExample());

        Dataset data = RealMnist.test(8);
        INDArray inputs = Nd4j.createFromArray(RealMnist.inputs(data));
        LinfBall ball = new LinfBall(0.3, InputDomain.UNIT);
        Network model = RealMnist.naturalModel();
        assertArrayEquals(ibp.compute(model, inputs, data.labels(), ball, Precision.FAST).lowerMatrix(),
                screened.compute(model, inputs, data.labels(), ball, Precision.FAST).lowerMatrix());
    }

    @Test
    void dropsOnlyBoundsClearlyBelowZero() {
        assertFalse(FloatScreen.clearlyFails(new double[] {0.5, 2.0}));
        assertFalse(FloatScreen.clearlyFails(new double[] {1.0, -0.04}));
        assertTrue(FloatScreen.clearlyFails(new double[] {1.0, -0.06}));
        assertTrue(FloatScreen.clearlyFails(new double[] {3.0, -250.0}));
        // the slack grows by 1 % of the bound's size: −0.0505 is within 0.05 + 0.000505
        assertFalse(FloatScreen.clearlyFails(new double[] {-0.0505}));
        // a float32 overflow or NaN proves nothing: the sound pass decides
        assertFalse(FloatScreen.clearlyFails(new double[] {Double.NEGATIVE_INFINITY}));
        assertFalse(FloatScreen.clearlyFails(new double[] {Double.NaN, -10.0}));
    }
}
