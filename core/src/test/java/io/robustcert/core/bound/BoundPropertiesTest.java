package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.TestNetworks;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The guarantees of method.md §13 that do not need sampling. */
class BoundPropertiesTest {

    private final Network oneHidden = new TestNetworks.Builder(21, 6).linear(20).relu().linear(4).build();
    private final Network deep = TestNetworks.shapes().get(2).network();

    private double[][] lower(BoundMethod m, Network net, double eps, Precision p) {
        INDArray x = Nd4j.createFromArray(TestNetworks.inputs(9, 6, net.inputSize()));
        return m.compute(net, x, new int[] {0, 1, 2, 3, 0, 1}, new LinfBall(eps, InputDomain.UNIT), p).lowerMatrix();
    }

    @Test
    void ibpIsMonotoneInEpsilon() {
        for (Precision p : Precision.values()) {
            double[][] previous = null;
            for (double eps : new double[] {0, 0.01, 0.05, 0.1, 0.3}) {
                double[][] now = lower(new Ibp(), deep, eps, p);
                if (previous != null) {
                    for (int b = 0; b < now.length; b++) {
                        for (int r = 0; r < now[b].length; r++) {
                            assertTrue(now[b][r] <= previous[b][r], p + " eps " + eps);
                        }
                    }
                }
                previous = now;
            }
        }
    }

    @Test
    void zeroSlopeCrownIbpIsNeverLooserThanIbpWithOneHiddenLayer() {
        for (Precision p : Precision.values()) {
            for (double eps : new double[] {0.05, 0.2, 0.5}) {
                double[][] ibp = lower(new Ibp(), oneHidden, eps, p);
                double[][] crown = lower(new CrownIbp(FixedSlopeRule.ZERO), oneHidden, eps, p);
                for (int b = 0; b < ibp.length; b++) {
                    for (int r = 0; r < ibp[b].length; r++) {
                        double slack = p.sound() ? 1e-12 : 1e-5;
                        assertTrue(crown[b][r] >= ibp[b][r] - slack * (1 + Math.abs(ibp[b][r])), p + " eps " + eps);
                    }
                }
            }
        }
    }

    @Test
    void fullCrownIsAtLeastAsTightAsCrownIbpWithTheSameSlopes() {
        double[][] crownIbp = lower(new CrownIbp(FixedSlopeRule.SAME), deep, 0.1, Precision.FAST);
        double[][] crown = lower(new Crown(FixedSlopeRule.SAME), deep, 0.1, Precision.FAST);
        int tighter = 0;
        for (int b = 0; b < crown.length; b++) {
            for (int r = 0; r < crown[b].length; r++) {
                // Same-slope relaxations are monotone in the intermediate bounds, which CROWN only tightens.
                assertTrue(crown[b][r] >= crownIbp[b][r] - 1e-4 * (1 + Math.abs(crownIbp[b][r])));
                tighter += crown[b][r] > crownIbp[b][r] + 1e-6 ? 1 : 0;
            }
        }
        assertTrue(tighter > 0, "CROWN's backward intermediate bounds should tighten something");
    }

    @Test
    void betaMixIsLinearInBetaAndEndsAtItsParts() {
        double[][] ibp = lower(new Ibp(), deep, 0.1, Precision.FAST);
        double[][] crown = lower(new CrownIbp(), deep, 0.1, Precision.FAST);
        double[][] mid = lower(new BetaMix(0.25, FixedSlopeRule.ADAPTIVE), deep, 0.1, Precision.FAST);
        double[][] zero = lower(new BetaMix(0, FixedSlopeRule.ADAPTIVE), deep, 0.1, Precision.FAST);
        for (int b = 0; b < ibp.length; b++) {
            for (int r = 0; r < ibp[b].length; r++) {
                assertEquals(0.25 * crown[b][r] + 0.75 * ibp[b][r], mid[b][r], 1e-4 * (1 + Math.abs(ibp[b][r])));
                assertEquals(ibp[b][r], zero[b][r], 0);
            }
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> new LinfBall(-0.1, InputDomain.UNIT));
        assertThrows(IllegalArgumentException.class, () -> new LinfBall(Double.NaN, InputDomain.UNIT));
        assertThrows(IllegalArgumentException.class, () -> new BetaMix(1.5, FixedSlopeRule.ADAPTIVE));
        INDArray outside = Nd4j.createFromArray(new double[][] {{1.5, 0, 0, 0, 0, 0}});
        assertThrows(IllegalArgumentException.class,
                () -> new Ibp().compute(oneHidden, outside, new int[] {0}, new LinfBall(0.1, InputDomain.UNIT), Precision.SOUND));
        INDArray nan = Nd4j.createFromArray(new double[][] {{Double.NaN, 0, 0, 0, 0, 0}});
        assertThrows(IllegalArgumentException.class,
                () -> new Ibp().compute(oneHidden, nan, new int[] {0}, new LinfBall(0.1, InputDomain.UNBOUNDED), Precision.SOUND));
        INDArray ok = Nd4j.createFromArray(new double[][] {{0.5, 0, 0, 0, 0, 0}});
        assertThrows(IllegalArgumentException.class,
                () -> new Ibp().compute(oneHidden, ok, new int[] {4}, new LinfBall(0.1, InputDomain.UNIT), Precision.SOUND));
    }
}
