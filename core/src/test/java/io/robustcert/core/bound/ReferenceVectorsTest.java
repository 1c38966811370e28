package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * IBP and CROWN-IBP on mnist_small against float64 bounds from an independent implementation
 * (../shared/bench/torch_reference.py --bounds-out): fast within 1e-4; sound never above the
 * reference and within 1e-6 of it.
 */
class ReferenceVectorsTest {

    private final Network network = Fixtures.mnistSmall();
    private final JsonNode vectors = Fixtures.mnistSmallVectors();
    private final double[][] inputs = Fixtures.matrix(vectors.get("inputs"));
    private final int[] labels = Fixtures.ints(vectors.get("labels"));
    private final LinfBall ball = new LinfBall(vectors.get("eps").asDouble(), InputDomain.UNIT);

    private void check(BoundMethod method, String key) {
        double[][] reference = Fixtures.matrix(vectors.get(key));
        double[][] fast = method.compute(network, Nd4j.createFromArray(inputs), labels, ball, Precision.FAST).lowerMatrix();
        double[][] sound = method.compute(network, Nd4j.createFromArray(inputs), labels, ball, Precision.SOUND).lowerMatrix();
        assertEquals(reference.length, fast.length);
        for (int i = 0; i < reference.length; i++) {
            assertEquals(9, fast[i].length);
            for (int r = 0; r < 9; r++) {
                double ref = reference[i][r];
                assertEquals(ref, fast[i][r], 1e-4, key + " fast, example " + i + " row " + r);
                assertTrue(sound[i][r] <= ref, key + " sound above reference: " + sound[i][r] + " > " + ref);
                assertEquals(ref, sound[i][r], 1e-6, key + " sound, example " + i + " row " + r);
            }
        }
    }

    @Test
    void ibpMatchesTheReference() {
        check(new Ibp(), "ibp_lower");
    }

    @Test
    void crownIbpMatchesTheReference() {
        check(new CrownIbp(), "crown_ibp_lower");
    }

    @Test
    void cleanMarginsMatchTheReference() {
        double[][] clean = Fixtures.matrix(vectors.get("clean_margins"));
        LinfBall point = new LinfBall(0, InputDomain.UNIT);
        double[][] sound = new CrownIbp().compute(network, Nd4j.createFromArray(inputs), labels, point, Precision.SOUND)
                .lowerMatrix();
        for (int i = 0; i < clean.length; i++) {
            for (int r = 0; r < 9; r++) {
                assertEquals(clean[i][r], sound[i][r], 1e-9 * Math.max(1, Math.abs(clean[i][r])));
            }
        }
    }
}
