package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.ReferenceNetwork;
import io.robustcert.core.testing.TestNetworks;
import java.math.BigDecimal;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.factory.Nd4j;

/** At ε = 0 every method returns the clean margins: fast within 1e-5 relative, sound at most 1e-9 relative below. */
class ZeroEpsilonTest {

    static Stream<TestNetworks.Case> networks() {
        return TestNetworks.shapes().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("networks")
    void everyMethodReturnsTheCleanMargins(TestNetworks.Case testCase) {
        Network net = testCase.network();
        ReferenceNetwork reference = new ReferenceNetwork(net);
        double[][] inputs = TestNetworks.inputs(3, 4, net.inputSize());
        int[] labels = {0, 1, 2, 3};
        LinfBall point = new LinfBall(0, InputDomain.UNIT);
        for (BoundMethod method : BoundSoundnessTest.methods()) {
            double[][] fast = method.compute(net, Nd4j.createFromArray(inputs), labels, point, Precision.FAST).lowerMatrix();
            double[][] sound = method.compute(net, Nd4j.createFromArray(inputs), labels, point, Precision.SOUND).lowerMatrix();
            for (int b = 0; b < inputs.length; b++) {
                BigDecimal[] logits = reference.exactLogits(inputs[b]);
                for (int r = 0; r < net.numClasses() - 1; r++) {
                    int j = r < labels[b] ? r : r + 1;
                    BigDecimal exact = logits[labels[b]].subtract(logits[j]);
                    double m = exact.doubleValue();
                    double scale = Math.max(1, Math.abs(m));
                    String what = method.label() + " example " + b + " row " + r;
                    assertTrue(Math.abs(fast[b][r] - m) <= 1e-5 * scale, what + ": fast " + fast[b][r] + " vs " + m);
                    assertTrue(new BigDecimal(sound[b][r]).compareTo(exact) <= 0, what + ": sound above the exact margin");
                    assertTrue(sound[b][r] >= m - 1e-9 * scale, what + ": sound " + sound[b][r] + " too far below " + m);
                }
            }
        }
    }
}
