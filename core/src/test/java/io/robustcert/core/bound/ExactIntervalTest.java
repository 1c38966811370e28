package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ReferenceNetwork;
import io.robustcert.core.testing.TestNetworks;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sound IBP against the same bound computed in exact arithmetic on the same stored weights and box:
 * never above it (the proof), and within 1e-9 relative of it (the widening is small).
 */
class ExactIntervalTest {

    @Test
    void soundIbpIsBelowAndCloseToTheExactIbp() {
        List<Network> nets = List.of(TestNetworks.shapes().get(0).network(), TestNetworks.shapes().get(1).network(),
                TestNetworks.shapes().get(2).network(), TestNetworks.shapes().get(3).network());
        int compared = 0;
        for (Network net : nets) {
            ReferenceNetwork reference = new ReferenceNetwork(net);
            double[][] inputs = TestNetworks.inputs(77, 3, net.inputSize());
            int[] labels = {0, 1, 2};
            for (double eps : new double[] {0.001, 0.05, 0.3}) {
                double[][] sound = new Ibp().compute(net, Nd4j.createFromArray(inputs), labels,
                        new LinfBall(eps, InputDomain.UNIT), Precision.SOUND).lowerMatrix();
                for (int b = 0; b < inputs.length; b++) {
                    // The exact box: the real numbers x ± eps clipped to [0, 1] are themselves the ends.
                    BigDecimal e = new BigDecimal(eps);
                    BigDecimal[][] box = new BigDecimal[2][inputs[b].length];
                    for (int i = 0; i < inputs[b].length; i++) {
                        BigDecimal x = new BigDecimal(inputs[b][i]);
                        box[0][i] = x.subtract(e).max(BigDecimal.ZERO);
                        box[1][i] = x.add(e).min(BigDecimal.ONE);
                    }
                    for (int r = 0; r < net.numClasses() - 1; r++) {
                        int j = r < labels[b] ? r : r + 1;
                        BigDecimal exact = exactMargin(reference, box, labels[b], j);
                        BigDecimal s = new BigDecimal(sound[b][r]);
                        assertTrue(s.compareTo(exact) <= 0, "sound IBP " + s + " above exact " + exact);
                        BigDecimal gap = exact.subtract(s);
                        BigDecimal allowed = new BigDecimal(1e-9).multiply(BigDecimal.ONE.add(exact.abs()));
                        assertTrue(gap.compareTo(allowed) <= 0, "sound IBP " + s + " too far below exact " + exact);
                        compared++;
                    }
                }
            }
        }
        assertTrue(compared > 100);
    }

    /** Every operation is exact: BigDecimal addition, subtraction and multiplication of finite decimals. */
    private static BigDecimal exactMargin(ReferenceNetwork reference, BigDecimal[][] box, int y, int j) {
        return reference.exactIbpMargin(box[0], box[1], y, j);
    }

}
