package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.robustcert.core.testing.AlwaysVerified;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.RealMnist;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code robustcert certify} and {@code attack} on the naturally trained mnist_small and real MNIST test
 * images: the gate's exit codes (0 pass, 1 fail, 2 bad input, 3 unsound, 3 over 1) and the files written.
 */
class EvaluationCommandsTest {

    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = dir.resolve("natural.safetensors");
        try (InputStream in = Fixtures.resource(RealMnist.NATURAL_MODEL)) {
            Files.copy(in, model);
        }
    }

    static final CommandLine.IFactory WITH_BROKEN_METHOD = new CommandLine.IFactory() {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            if (cls == CertifyCommand.class) {
                return cls.cast(new CertifyCommand(BoundMethods.standard().with(AlwaysVerified.LABEL, r -> new AlwaysVerified())));
            }
            return CommandLine.defaultFactory().create(cls);
        }
    };

    static List<String> certify(String eps, String... more) {
        List<String> args = new ArrayList<>(List.of("certify", "--model", model.toString(), "--data", "mnist:test:20",
                "--data-dir", RealMnist.dataDir().toString(), "--eps", eps, "--steps", "20", "--restarts", "1"));
        args.addAll(List.of(more));
        return args;
    }

    @Test
    void passWritesTheTableTheReportAndTheChart() throws IOException {
        Path out = dir.resolve("pass");
        Cli.Result r = Cli.run(certify("0.005", "--method", "ibp,crown-ibp", "--min-verified-accuracy", "0.5",
                "--max-pgd-error", "0.5", "--out", out.toString()).toArray(String[]::new));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("Standard err %") && r.out().contains("PGD err %")
                && r.out().contains("Verified err % (sound)") && r.out().contains("crown-ibp %"), r::toString);
        assertTrue(r.out().contains("PASS"), r::toString);
        assertTrue(r.err().isEmpty(), r::toString);
        JsonNode report = Cli.JSON.readTree(out.resolve("report.json").toFile());
        assertEquals("PASS", report.get("gate").get("outcome").asText());
        assertEquals(20, report.get("report").get("samples").size());
        assertFalse(report.get("report").get("unsound").asBoolean());
        assertTrue(report.get("report").get("table").get("verifiedError").asDouble() <= 50.0);
        BufferedImage chart = ImageIO.read(out.resolve("errors.png").toFile());
        assertEquals(ErrorChart.WIDTH, chart.getWidth());
        assertEquals(ErrorChart.HEIGHT, chart.getHeight());
        assertFalse(Files.exists(out.resolve(ReportFiles.UNSOUND_FILE)));
    }

    @Test
    void belowTheVerifiedThresholdExitsOne() {
        Cli.Result r = Cli.run(certify("0.1", "--method", "ibp", "--min-verified-accuracy", "0.9").toArray(String[]::new));
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("FAIL") && r.out().contains("verified accuracy"), r::toString);
    }

    @Test
    void aboveThePgdThresholdExitsOne() {
        Cli.Result r = Cli.run(certify("0.3", "--method", "ibp", "--min-verified-accuracy", "0", "--max-pgd-error", "0.5",
                "--attack", "spec").toArray(String[]::new));
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().contains("PGD error"), r::toString);
    }

    @Test
    void aBrokenBoundMethodRaisesTheAlarmWithExitThreeEvenWhenTheThresholdsFail() throws IOException {
        Path out = dir.resolve("unsound");
        Cli.Result r = Cli.run(WITH_BROKEN_METHOD, certify("0.3", "--method", "ibp,always-verified",
                "--min-verified-accuracy", "0", "--max-pgd-error", "0", "--attack", "spec", "--out", out.toString())
                .toArray(String[]::new));
        assertEquals(3, r.code(), r::toString);
        assertTrue(r.err().startsWith("UNSOUND:") && r.err().contains("always-verified"), r::toString);
        JsonNode saved = Cli.JSON.readTree(out.resolve(ReportFiles.UNSOUND_FILE).toFile());
        assertTrue(saved.get("alarms").size() >= 18, saved::toString);
        JsonNode alarm = saved.get("alarms").get(0);
        assertEquals("always-verified", alarm.get("method").asText());
        assertEquals(784, alarm.get("input").size());
        assertEquals(784, alarm.get("adversarial").size());
        JsonNode report = Cli.JSON.readTree(out.resolve("report.json").toFile());
        assertEquals("UNSOUND", report.get("gate").get("outcome").asText());

        Cli.Result noOut = Cli.run(WITH_BROKEN_METHOD, certify("0.3", "--method", "always-verified",
                "--min-verified-accuracy", "0").toArray(String[]::new));
        assertEquals(3, noOut.code(), noOut::toString);
        String file = noOut.err().replaceAll("(?s).*saved in (\\S+).*", "$1").strip();
        assertTrue(Files.isRegularFile(Path.of(file)), noOut::toString);
    }

    @Test
    void attackPrintsASummaryAndWritesTheGrid() throws IOException {
        Path out = dir.resolve("attack");
        Cli.Result r = Cli.run("attack", "--model", model.toString(), "--data", "mnist:test:20", "--data-dir",
                RealMnist.dataDir().toString(), "--eps", "0.3", "--attack", "spec", "--out", out.toString(),
                "--grid-samples", "6");
        assertEquals(0, r.code(), r::toString);
        JsonNode summary = r.json();
        assertEquals(20, summary.get("samples").asInt());
        assertTrue(summary.get("pgdError").asDouble() >= 90.0, r::toString);
        assertEquals(summary.get("broken").asInt() * 5.0, summary.get("pgdError").asDouble(), 1e-9);
        assertEquals(20, Cli.JSON.readTree(out.resolve("attack.json").toFile()).get("report").get("samples").size());
        BufferedImage grid = ImageIO.read(out.resolve("adversarial-grid.png").toFile());
        int pair = 2 * 28 * AdversarialGrid.SCALE + AdversarialGrid.GAP;
        assertEquals(4 * pair + 5 * AdversarialGrid.GAP, grid.getWidth());
    }

    @TestFactory
    Stream<DynamicTest> badInputExitsTwo() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        Path empty = Files.createDirectories(dir.resolve("empty-data").resolve("mnist")).getParent();
        Path garbage = Files.write(dir.resolve("garbage.safetensors"), new byte[] {1, 2, 3});
        List<Object[]> cases = List.of(
                new Object[] {"negative eps", "--eps", certify("-0.1", "--min-verified-accuracy", "0.5")},
                new Object[] {"NaN eps", "--eps", certify("NaN", "--min-verified-accuracy", "0.5")},
                new Object[] {"accuracy above 1", "fraction", certify("0.1", "--min-verified-accuracy", "1.5")},
                new Object[] {"negative PGD error", "fraction", certify("0.1", "--min-verified-accuracy", "0.5",
                        "--max-pgd-error", "-0.1")},
                new Object[] {"missing threshold", "min-verified-accuracy", certify("0.1")},
                new Object[] {"unknown method", "unknown method", certify("0.1", "--min-verified-accuracy", "0.5",
                        "--method", "ibp,magic")},
                new Object[] {"duplicate method", "twice", certify("0.1", "--min-verified-accuracy", "0.5",
                        "--method", "ibp,ibp")},
                new Object[] {"unknown mode", "--mode", certify("0.1", "--min-verified-accuracy", "0.5", "--mode", "exact")},
                new Object[] {"unknown preset", "preset", certify("0.1", "--min-verified-accuracy", "0.5", "--attack", "x")},
                new Object[] {"negative steps", "steps", certify("0.1", "--min-verified-accuracy", "0.5", "--steps", "-1")},
                new Object[] {"unknown loss", "loss", certify("0.1", "--min-verified-accuracy", "0.5", "--loss", "l2")},
                new Object[] {"bad split", "split", certify("0.1", "--min-verified-accuracy", "0.5", "--data", "mnist:val")},
                new Object[] {"too many samples", "10000", certify("0.1", "--min-verified-accuracy", "0.5", "--data",
                        "mnist:test:10001")},
                new Object[] {"unknown dataset", "imagenet", certify("0.1", "--min-verified-accuracy", "0.5", "--data",
                        "imagenet:test")},
                new Object[] {"no data directory", "not found", certify("0.1", "--min-verified-accuracy", "0.5",
                        "--data-dir", dir.resolve("nowhere").toString())},
                new Object[] {"no files in the data directory", "found neither|not found|t10k", certify("0.1",
                        "--min-verified-accuracy", "0.5", "--data-dir", empty.toString())},
                new Object[] {"missing model", "not found", certify("0.1", "--min-verified-accuracy", "0.5", "--model",
                        dir.resolve("nope").toString())},
                new Object[] {"garbage model", "model file", certify("0.1", "--min-verified-accuracy", "0.5", "--model",
                        garbage.toString())},
                new Object[] {"out is a file", "not a directory", certify("0.1", "--min-verified-accuracy", "0.5",
                        "--out", file.toString())},
                new Object[] {"attack: negative eps", "--eps", List.of("attack", "--model", model.toString(), "--data",
                        "mnist:test:5", "--eps", "-1")},
                new Object[] {"attack: zero restarts", "restarts", List.of("attack", "--model", model.toString(),
                        "--data", "mnist:test:5", "--eps", "0.1", "--restarts", "0")});
        return cases.stream().map(c -> DynamicTest.dynamicTest((String) c[0], () -> {
            @SuppressWarnings("unchecked")
            List<String> args = (List<String>) c[2];
            List<String> replaced = new ArrayList<>(args);
            dedupe(replaced);
            Cli.Result r = Cli.run(replaced.toArray(String[]::new));
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.out().isEmpty(), r::toString);
            assertEquals(1, r.err().strip().lines().count(), r::toString);
            assertTrue(java.util.regex.Pattern.compile((String) c[1], java.util.regex.Pattern.CASE_INSENSITIVE)
                    .matcher(r.err()).find(), r::toString);
        }));
    }

    /** Keeps the last value of each option given twice (picocli refuses repeated single-value options). */
    private static void dedupe(List<String> args) {
        for (int i = args.size() - 2; i >= 1; i--) {
            String opt = args.get(i);
            if (opt.startsWith("--")) {
                for (int j = i - 2; j >= 1; j--) {
                    if (args.get(j).equals(opt)) {
                        args.remove(j + 1);
                        args.remove(j);
                        i -= 2;
                    }
                }
            }
        }
    }
}
