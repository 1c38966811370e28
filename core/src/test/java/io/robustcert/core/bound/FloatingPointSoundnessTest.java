package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ReferenceNetwork;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Constructed cases where floating-point arithmetic claims "verified" although exact arithmetic on the
 * same stored weights and inputs shows a margin ≤ 0. Sound mode must not claim them.
 */
class FloatingPointSoundnessTest {

    private static Network linear(double[] weightRow0, double bias0) {
        int n = weightRow0.length;
        double[] w = new double[2 * n];
        System.arraycopy(weightRow0, 0, w, 0, n);
        INDArray weight = Nd4j.create(w, new long[] {2, n}, 'c');
        INDArray bias = Nd4j.createFromArray(bias0, 0.0);
        List<Layer> layers = List.of(new Linear(new long[] {n}, weight, bias));
        return Network.sequential(new long[] {n}, layers);
    }

    private static BigDecimal exactMargin(Network net, double[] x) {
        BigDecimal[] logits = new ReferenceNetwork(net).exactLogits(x);
        return logits[0].subtract(logits[1]);
    }

    /** float32 rounds both inputs to the same value; the tiny positive bias then "verifies" class 0. */
    @Test
    void float32InputRoundingClaimsVerifiedWhereExactArithmeticDoesNot() {
        double bias = (float) 1e-13;
        Network net = linear(new double[] {1, -1}, bias);
        double[] x = {0.1, 0.1 + 1e-12};
        BigDecimal exact = exactMargin(net, x);
        assertTrue(exact.signum() < 0, "the construction needs a negative exact margin, got " + exact);
        LinfBall point = new LinfBall(0, InputDomain.UNBOUNDED);
        for (BoundMethod method : BoundSoundnessTest.methods()) {
            MarginBounds fast = method.compute(net, Nd4j.createFromArray(new double[][] {x}), new int[] {0}, point, Precision.FAST);
            assertTrue(fast.verified(0), method.label() + ": fast mode should (wrongly) claim this case");
            MarginBounds sound = method.compute(net, Nd4j.createFromArray(new double[][] {x}), new int[] {0}, point, Precision.SOUND);
            assertFalse(sound.verified(0), method.label() + ": sound mode claimed a case exact arithmetic refutes");
            assertTrue(new BigDecimal(sound.lowerRow(0)[0]).compareTo(exact) <= 0);
        }
    }

    /**
     * Catastrophic cancellation: 2^53 − 1/2 − 1/2 − 2^53 + 3/4 is −1/4 exactly but 3/4 when summed left to
     * right in float64 (each −1/2 is lost to round-half-even). Sound mode must stay ≤ −1/4.
     */
    @Test
    void cancellationInADotProductIsNotTrusted() {
        double big = 0x1p53;
        double[] w = {big, -0.5, -0.5, -big};
        Network net = linear(w, 0.75);
        double[] x = {1, 1, 1, 1};
        double naive = 0;
        for (int i = 0; i < w.length; i++) {
            naive += w[i] * x[i];
        }
        naive += 0.75;
        assertTrue(naive > 0, "left-to-right float64 claims a positive margin: " + naive);
        BigDecimal exact = exactMargin(net, x);
        assertTrue(exact.compareTo(new BigDecimal("-0.25")) == 0);
        for (double eps : new double[] {0, 1e-3}) {
            LinfBall ball = new LinfBall(eps, InputDomain.UNBOUNDED);
            for (BoundMethod method : BoundSoundnessTest.methods()) {
                MarginBounds sound = method.compute(net, Nd4j.createFromArray(new double[][] {x}), new int[] {0}, ball,
                        Precision.SOUND);
                assertFalse(sound.verified(0), method.label());
                assertTrue(new BigDecimal(sound.lowerRow(0)[0]).compareTo(exact) <= 0, method.label() + " above exact");
            }
        }
    }
}
