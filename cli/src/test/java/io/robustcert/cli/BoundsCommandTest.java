package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code robustcert bounds} on mnist_small (eps 0.1, 16 inputs) against the reference bounds. */
class BoundsCommandTest {

    private static final int ROWS = 16;
    private static final int MARGINS = 9;

    @TempDir
    static Path dir;
    private static Cli.Fixture fixture;

    @BeforeAll
    static void writeFixture() throws IOException {
        fixture = Cli.fixture(dir);
    }

    private static Cli.Result bounds(String... extra) {
        return boundsOn(fixture.inputs(), extra);
    }

    private static Cli.Result boundsOn(Path inputs, String... extra) {
        String[] base = {"bounds", "--model", fixture.model().toString(), "--arch", fixture.arch().toString(),
            "--inputs", inputs.toString()};
        String[] args = new String[base.length + extra.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(extra, 0, args, base.length, extra.length);
        Cli.Result r = Cli.run(args);
        assertEquals(0, r.code(), () -> r.toString());
        assertEquals("", r.err(), "nothing on stderr on success");
        assertTrue(r.out().endsWith("\n") && r.out().indexOf('\n') == r.out().length() - 1, "one line of JSON");
        return r;
    }

    private static void assertShape(double[][] lower) {
        assertShape(lower, ROWS);
    }

    private static void assertShape(double[][] lower, int rows) {
        assertEquals(rows, lower.length);
        for (double[] row : lower) {
            assertEquals(MARGINS, row.length);
            for (double v : row) {
                assertTrue(Double.isFinite(v), "finite bounds");
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"ibp, fast, ibp_lower", "ibp, sound, ibp_lower", "crown-ibp, fast, crown_ibp_lower",
        "crown-ibp, sound, crown_ibp_lower"})
    void matchesReference(String method, String mode, String referenceKey) {
        Cli.Result r = bounds("--eps", "0.1", "--method", method, "--mode", mode);
        JsonNode json = r.json();
        assertEquals(method, json.get("method").asText());
        assertEquals(mode, json.get("mode").asText());
        assertEquals(0.1, json.get("eps").asDouble());
        double[][] lower = r.lower();
        assertShape(lower);
        double[][] reference = Cli.matrix(fixture.reference().get(referenceKey));
        JsonNode verified = json.get("verified");
        assertEquals(ROWS, verified.size());
        for (int i = 0; i < ROWS; i++) {
            assertTrue(verified.get(i).isBoolean());
            for (int j = 0; j < MARGINS; j++) {
                double got = lower[i][j];
                double want = reference[i][j];
                String where = method + " " + mode + " input " + i + " margin " + j + ": got " + got + ", reference " + want;
                if (mode.equals("sound")) {
                    assertTrue(got <= want, "sound bound above the reference, " + where);
                    assertTrue(want - got <= 1e-6, "sound bound looser than 1e-6, " + where);
                } else {
                    assertEquals(want, got, 1e-4, where);
                }
            }
            boolean allPositive = true;
            for (double v : lower[i]) {
                allPositive &= v > 0;
            }
            if (!allPositive) {
                assertFalse(verified.get(i).asBoolean(), "input " + i + " verified with a non-positive bound");
            }
        }
    }

    @Test
    void unboundedDomainGivesSoundButLooserIbp() {
        Cli.Result clipped = bounds("--eps", "0.1", "--method", "ibp");
        Cli.Result unbounded = bounds("--eps", "0.1", "--method", "ibp", "--domain", "none");
        assertEquals("none", unbounded.json().get("domain").asText());
        double[][] a = clipped.lower();
        double[][] b = unbounded.lower();
        double[][] clean = Cli.matrix(fixture.reference().get("clean_margins"));
        assertShape(b);
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < MARGINS; j++) {
                assertTrue(b[i][j] <= a[i][j], "IBP over a larger box is not tighter, input " + i + " margin " + j);
                assertTrue(b[i][j] <= clean[i][j], "input " + i + " margin " + j);
            }
        }
    }

    @ParameterizedTest(name = "crown-ibp --slopes {0}")
    @ValueSource(strings = {"adaptive", "same", "zero", "one"})
    void everySlopeRuleBoundsTheCleanMargins(String slopes) {
        for (String domain : new String[] {"0,1", "none"}) {
            Cli.Result r = bounds("--eps", "0.1", "--method", "crown-ibp", "--slopes", slopes, "--domain", domain);
            assertEquals(slopes, r.json().get("slopes").asText());
            assertBelowCleanMargins(r.lower(), "crown-ibp " + slopes + " domain " + domain);
        }
    }

    /** Full CROWN on the first 3 inputs (it needs a backward pass per neuron): tighter than CROWN-IBP here. */
    @Test
    void crownBoundsTheCleanMargins() throws IOException {
        int rows = 3;
        Path few = Cli.writeInputs(dir.resolve("first3.json"), fixture.reference(), rows);
        double[][] lower = boundsOn(few, "--eps", "0.1", "--method", "crown", "--mode", "fast").lower();
        assertShape(lower, rows);
        double[][] clean = Cli.matrix(fixture.reference().get("clean_margins"));
        double[][] crownIbp = Cli.matrix(fixture.reference().get("crown_ibp_lower"));
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < MARGINS; j++) {
                assertTrue(lower[i][j] <= clean[i][j], "crown input " + i + " margin " + j);
                assertTrue(lower[i][j] >= crownIbp[i][j], "crown looser than crown-ibp on input " + i + " margin " + j);
            }
        }
    }

    @Test
    void epsZeroGivesTheCleanMargins() {
        Cli.Result r = bounds("--eps", "0", "--method", "ibp");
        double[][] lower = r.lower();
        double[][] clean = Cli.matrix(fixture.reference().get("clean_margins"));
        JsonNode verified = r.json().get("verified");
        for (int i = 0; i < ROWS; i++) {
            boolean correct = true;
            double closest = Double.POSITIVE_INFINITY;
            for (int j = 0; j < MARGINS; j++) {
                assertEquals(clean[i][j], lower[i][j], 1e-4, "input " + i + " margin " + j);
                correct &= clean[i][j] > 0;
                closest = Math.min(closest, Math.abs(clean[i][j]));
            }
            if (closest > 1e-3) {
                assertEquals(correct, verified.get(i).asBoolean(), "input " + i + " verdict at eps 0");
            }
        }
    }

    @Test
    void boundsDoNotDependOnTheBatchSize() {
        double[][] whole = bounds("--eps", "0.1", "--method", "crown-ibp").lower();
        double[][] single = bounds("--eps", "0.1", "--method", "crown-ibp", "--batch-size", "1").lower();
        double[][] fives = bounds("--eps", "0.1", "--method", "crown-ibp", "--batch-size", "5").lower();
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < MARGINS; j++) {
                assertEquals(whole[i][j], single[i][j], 1e-9, "input " + i + " margin " + j);
                assertEquals(whole[i][j], fives[i][j], 1e-9, "input " + i + " margin " + j);
            }
        }
    }

    @Test
    void noInputsGiveEmptyResults() throws IOException {
        Path empty = Cli.writeInputs(dir.resolve("none.json"), fixture.reference(), 0);
        JsonNode json = boundsOn(empty, "--eps", "0.1", "--method", "crown-ibp").json();
        assertEquals(0, json.get("lower").size());
        assertEquals(0, json.get("verified").size());
    }

    @Test
    void helpGoesToStdout() {
        Cli.Result r = Cli.run("bounds", "--help");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("--method"), r::toString);
    }

    private static void assertBelowCleanMargins(double[][] lower, String what) {
        assertShape(lower);
        double[][] clean = Cli.matrix(fixture.reference().get("clean_margins"));
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < MARGINS; j++) {
                assertTrue(lower[i][j] <= clean[i][j], what + ": input " + i + " margin " + j + " bound " + lower[i][j]
                        + " above the clean margin " + clean[i][j]);
            }
        }
    }

    @Test
    void paperSlopesAreRepeatableWithASeedAndDifferFromTheAdaptiveRule() {
        Cli.Result a = bounds("--eps", "0.1", "--method", "crown-ibp", "--slopes", "ours", "--seed", "5");
        Cli.Result b = bounds("--eps", "0.1", "--method", "crown-ibp", "--slopes", "ours", "--seed", "5");
        assertEquals(a.out(), b.out());
        assertEquals("ours", a.json().get("slopes").asText());
        assertEquals(5, a.json().get("seed").asLong());
        assertShape(a.lower());
        double[][] adaptive = bounds("--eps", "0.1", "--method", "crown-ibp").lower();
        assertTrue(!java.util.Arrays.deepEquals(adaptive, a.lower()), "the slopes matter");
        Cli.Result wrong = Cli.run("bounds", "--model", fixture.model().toString(), "--arch", fixture.arch().toString(),
                "--inputs", fixture.inputs().toString(), "--eps", "0.1", "--method", "crown", "--slopes", "ours");
        assertEquals(2, wrong.code());
        assertTrue(wrong.err().contains("--slopes ours applies to --method crown-ibp only"), wrong.err());
    }
}
