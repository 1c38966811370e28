package io.robustcert.core.bound;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.tensor.Precision;
import java.util.Arrays;

/**
 * Screened sound bounds against the same method's unscreened ones, example by example, for the tests of
 * the float32 screen ({@link FloatScreenTest}, {@link BoundSuiteTest}): the same verdicts; an example the
 * screen dropped has −∞ in every margin, no certificate, and an unscreened bound that is negative too;
 * an example it kept has the unscreened bounds. Counts both kinds, so a test can show each path ran.
 */
final class ScreenComparison {

    private int dropped;
    private int computed;

    void check(String where, MarginBounds unscreened, MarginBounds screened) {
        assertArrayEquals(unscreened.verified(), screened.verified(), where);
        assertEquals(Precision.SOUND, screened.precision(), where);
        assertEquals(unscreened.method(), screened.method(), where);
        double[][] expected = unscreened.lowerMatrix();
        double[][] actual = screened.lowerMatrix();
        assertEquals(expected.length, actual.length, where);
        for (int i = 0; i < actual.length; i++) {
            if (actual[i][0] == Double.NEGATIVE_INFINITY) {
                dropped++;
                assertFalse(screened.verified(i), where);
                assertTrue(Arrays.stream(expected[i]).min().orElseThrow() < 0,
                        where + ": dropped sample " + i + " has a positive sound bound");
                for (double v : actual[i]) {
                    assertEquals(Double.NEGATIVE_INFINITY, v, where + ": dropped sample " + i);
                }
            } else {
                computed++;
                for (int j = 0; j < actual[i].length; j++) {
                    // computed in another batch: the same dot products, perhaps summed in another order
                    assertEquals(expected[i][j], actual[i][j], 1e-9 * (1 + Math.abs(expected[i][j])), where);
                }
            }
        }
    }

    int dropped() {
        return dropped;
    }

    int computed() {
        return computed;
    }
}
