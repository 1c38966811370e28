package io.robustcert.core.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class AdamTest {

    /** Expected values from torch.optim.Adam(lr=0.01, weight_decay=0.05), PyTorch 1.13, float64. */
    @Test
    void matchesPyTorchIncludingWeightDecay() {
        INDArray p = Nd4j.createFromArray(1.0, -2.0, 0.5);
        Adam adam = Adam.withDefaults(List.of(p), 0.05);
        double[][] grads = {{0.3, -0.1, 2.0}, {0.2, 0.4, -1.0}, {-0.5, 0.0, 0.25}};
        double[][] expected = {
            {0.9900000002857143, -1.9900000005, 0.4900000000493827},
            {0.9802238416644048, -1.9924844711593679, 0.48719475264161827},
            {0.9796385234668168, -1.9926351241589704, 0.48426759979143563}};
        for (int s = 0; s < 3; s++) {
            adam.step(List.of(Nd4j.createFromArray(grads[s])), 0.01);
            for (int i = 0; i < 3; i++) {
                assertEquals(expected[s][i], p.getDouble(i), 1e-12, "step " + s + " parameter " + i);
            }
        }
        assertEquals(3, adam.steps());
    }

    @Test
    void restoredStateContinuesTheSameTrajectory() {
        INDArray a = Nd4j.createFromArray(1.0, 2.0);
        INDArray b = a.dup();
        Adam first = Adam.withDefaults(List.of(a), 0);
        first.step(List.of(Nd4j.createFromArray(0.5, -0.5)), 0.1);
        Adam second = Adam.withDefaults(List.of(b), 0);
        b.assign(a);
        second.restore(first.steps(), first.firstMoments(), first.secondMoments());
        first.step(List.of(Nd4j.createFromArray(0.25, 0.75)), 0.1);
        second.step(List.of(Nd4j.createFromArray(0.25, 0.75)), 0.1);
        assertEquals(a, b);
    }
}
