package io.robustcert.core.loss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class RobustCrossEntropyTest {

    @Test
    void equalMarginsGiveTheClosedForm() {
        double m = 1.7;
        INDArray lower = Nd4j.valueArrayOf(new long[] {3, 9}, m, DataType.DOUBLE);
        assertEquals(Math.log(1 + 9 * Math.exp(-m)), RobustCrossEntropy.robust(lower).value(), 1e-12);
    }

    @Test
    void atEpsilonZeroTheRobustLossIsTheNaturalLoss() {
        INDArray logits = Nd4j.createFromArray(new double[][] {{1.0, -2.0, 0.5, 3.0}, {0.1, 0.2, 0.3, -0.4}});
        int[] labels = {3, 0};
        INDArray margins = Nd4j.create(DataType.DOUBLE, 2, 3);
        for (int b = 0; b < 2; b++) {
            int r = 0;
            for (int j = 0; j < 4; j++) {
                if (j != labels[b]) {
                    margins.putScalar(b, r++, logits.getDouble(b, labels[b]) - logits.getDouble(b, j));
                }
            }
        }
        assertEquals(RobustCrossEntropy.natural(logits, labels).value(), RobustCrossEntropy.robust(margins).value(), 1e-12);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        INDArray lower = Nd4j.createFromArray(new double[][] {{0.3, -1.2, 2.0}, {5.0, -30.0, 0.0}});
        INDArray g = RobustCrossEntropy.robust(lower).gradient();
        INDArray logits = Nd4j.createFromArray(new double[][] {{0.3, -1.2, 2.0}, {50.0, -30.0, 0.0}});
        int[] labels = {1, 2};
        INDArray gn = RobustCrossEntropy.natural(logits, labels).gradient();
        double h = 1e-6;
        for (int b = 0; b < 2; b++) {
            for (int j = 0; j < 3; j++) {
                INDArray up = lower.dup();
                INDArray down = lower.dup();
                up.putScalar(b, j, lower.getDouble(b, j) + h);
                down.putScalar(b, j, lower.getDouble(b, j) - h);
                double fd = (RobustCrossEntropy.robust(up).value() - RobustCrossEntropy.robust(down).value()) / (2 * h);
                assertEquals(fd, g.getDouble(b, j), 1e-7);
                INDArray lu = logits.dup();
                INDArray ld = logits.dup();
                lu.putScalar(b, j, logits.getDouble(b, j) + h);
                ld.putScalar(b, j, logits.getDouble(b, j) - h);
                double fdn = (RobustCrossEntropy.natural(lu, labels).value() - RobustCrossEntropy.natural(ld, labels).value()) / (2 * h);
                assertEquals(fdn, gn.getDouble(b, j), 1e-7);
            }
        }
    }

    @Test
    void largeMarginsDoNotOverflow() {
        INDArray lower = Nd4j.createFromArray(new double[][] {{-1000.0, 1000.0}});
        assertEquals(1000.0, RobustCrossEntropy.robust(lower).value(), 1e-9);
    }
}
