package io.robustcert.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of bad input: exit code 2, one line on stderr that names the problem, nothing on stdout.
 */
class BadInputTest {

    @TempDir
    static Path dir;
    private static Cli.Fixture fixture;
    private static SafetensorsBytes model;

    @BeforeAll
    static void writeFixture() throws IOException {
        fixture = Cli.fixture(dir);
        model = SafetensorsBytes.parse(Cli.resourceBytes(Cli.MODEL_RESOURCE));
    }

    /** One bad case: the arguments after "bounds" and a pattern the message must contain (case-insensitive). */
    private record Case(String name, List<String> args, String expected) {
    }

    private static final class Cases {
        final List<Case> list = new ArrayList<>();

        void add(String name, String expected, String... args) {
            list.add(new Case(name, List.of(args), expected));
        }

        /** The fixture's arguments with some replaced: pairs of option and value (null value: option dropped). */
        void with(String name, String expected, String... overrides) {
            List<String> args = new ArrayList<>(List.of("--model", fixture.model().toString(),
                    "--arch", fixture.arch().toString(), "--inputs", fixture.inputs().toString(),
                    "--eps", "0.1", "--method", "crown-ibp"));
            for (int k = 0; k < overrides.length; k += 2) {
                int at = args.indexOf(overrides[k]);
                if (overrides[k + 1] == null) {
                    args.remove(at + 1);
                    args.remove(at);
                } else if (at >= 0) {
                    args.set(at + 1, overrides[k + 1]);
                } else {
                    args.add(overrides[k]);
                    args.add(overrides[k + 1]);
                }
            }
            list.add(new Case(name, args, expected));
        }

        void model(String name, String expected, byte[] bytes) throws IOException {
            Path file = Files.write(dir.resolve(name.replaceAll("\\W+", "_") + ".safetensors"), bytes);
            with(name, expected, "--model", file.toString());
        }

        void arch(String name, String expected, String json) throws IOException {
            Path file = Files.writeString(dir.resolve(name.replaceAll("\\W+", "_") + ".arch.json"), json);
            with(name, expected, "--arch", file.toString());
        }

        void inputs(String name, String expected, String json) throws IOException {
            Path file = Files.writeString(dir.resolve(name.replaceAll("\\W+", "_") + ".inputs.json"), json);
            with(name, expected, "--inputs", file.toString());
        }
    }

    private static String pixels(int count, String value) {
        String[] v = new String[count];
        Arrays.fill(v, value);
        return "[" + String.join(",", v) + "]";
    }

    private static String oneInput(String row, String label) {
        return "{\"inputs\": [" + row + "], \"labels\": [" + label + "]}";
    }

    @TestFactory
    Stream<DynamicTest> badInputsExitWithCode2() throws IOException {
        Cases c = new Cases();
        byte[] original = model.bytes();

        // Files that are missing or unreadable.
        c.with("missing model file", "not found", "--model", dir.resolve("nope.safetensors").toString());
        c.with("missing arch file", "not found", "--arch", dir.resolve("nope.json").toString());
        c.with("missing inputs file", "not found", "--inputs", dir.resolve("nope.json").toString());
        c.with("model file is a directory", "directory", "--model", dir.toString());
        c.with("no architecture anywhere", "architecture", "--arch", null);

        // Malformed safetensors.
        c.model("empty model file", "truncated", new byte[0]);
        byte[] headerPastEnd = original.clone();
        java.nio.ByteBuffer.wrap(headerPastEnd).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, original.length + 100L);
        c.model("header length past the end", "header length", headerPastEnd);
        byte[] hugeHeader = original.clone();
        java.nio.ByteBuffer.wrap(hugeHeader).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, Long.MAX_VALUE);
        c.model("header length absurd", "header length", hugeHeader);
        c.model("header not JSON", "JSON", SafetensorsBytes.file(8, "{\"0.we".getBytes(StandardCharsets.UTF_8), new byte[64]));

        SafetensorsBytes overlap = model.copy();
        overlap.offsets("0.bias", 1000, 1064);
        c.model("overlapping offsets", "overlap", overlap.bytes());

        SafetensorsBytes pastData = model.copy();
        pastData.shape("7.bias", 20);
        pastData.offsets("7.bias", 665584, 665664);
        c.model("offsets past the data", "truncated|range|past", pastData.bytes());

        SafetensorsBytes negative = model.copy();
        negative.offsets("0.bias", -64, 0);
        c.model("negative offsets", "data_offsets", negative.bytes());

        SafetensorsBytes hole = model.copy();
        hole.offsets("7.bias", 665624, 665664);
        c.model("offsets leaving a hole", "hole", hole.bytes());

        SafetensorsBytes mismatch = model.copy();
        mismatch.offsets("7.bias", 665584, 665628);
        c.model("offsets disagreeing with the shape", "bytes", mismatch.bytes());

        SafetensorsBytes dtype = model.copy();
        dtype.entry("0.weight").put("dtype", "Q7");
        c.model("unknown dtype Q7", "dtype", dtype.bytes());

        SafetensorsBytes integers = model.copy();
        integers.entry("0.bias").put("dtype", "I32");
        c.model("integer weights", "dtype|floating", integers.bytes());

        c.model("truncated data", "truncated", Arrays.copyOf(original, original.length - 100));
        byte[] trailing = Arrays.copyOf(original, original.length + 4);
        c.model("bytes after the data", "after", trailing);

        SafetensorsBytes nan = model.copy();
        nan.putFloat("0.weight", 0, Float.NaN);
        c.model("NaN weight", "NaN", nan.bytes());

        SafetensorsBytes inf = model.copy();
        inf.putFloat("5.bias", 7, Float.NEGATIVE_INFINITY);
        c.model("infinite bias", "infinite", inf.bytes());

        // Shapes against the architecture.
        c.model("weight shape [16,1,3,3] against a 4x4 kernel", "shape",
                model.withTensorCut("0.weight", 16 * 9 * 4, 16, 1, 3, 3).bytes());
        SafetensorsBytes missing = model.copy();
        missing.header.remove("7.bias");
        byte[] missingHeader = missing.header.toString().getBytes(StandardCharsets.UTF_8);
        c.model("missing tensor 7.bias", "7\\.bias",
                SafetensorsBytes.file(missingHeader.length, missingHeader, Arrays.copyOf(model.data, 665584)));
        SafetensorsBytes metadataArch = model.copy();
        ((ObjectNode) metadataArch.header.get("__metadata__"))
                .put("architecture", Cli.ARCHITECTURE.replace("\"out\":100", "\"out\":64"));
        Path metadataModel = Files.write(dir.resolve("metadata_arch.safetensors"), metadataArch.bytes());
        c.with("architecture in the metadata contradicting the shapes", "shape",
                "--model", metadataModel.toString(), "--arch", null);
        c.arch("arch with an unknown layer type", "unknown layer type",
                Cli.ARCHITECTURE.replace("{\"type\":\"flatten\"}", "{\"type\":\"maxpool\"}"));
        c.arch("arch with another kernel", "shape", Cli.ARCHITECTURE.replaceFirst("\"kernel\":4", "\"kernel\":3"));
        c.arch("arch with another width", "shape", Cli.ARCHITECTURE.replace("\"out\":100", "\"out\":50"));
        c.arch("arch with an unknown key", "unknown key", Cli.ARCHITECTURE.replace("\"stride\":2,\"padding\":1}",
                "\"stride\":2,\"padding\":1,\"dilation\":2}"));
        c.arch("arch missing a layer", "tensors not used|unused|shape",
                Cli.ARCHITECTURE.replace(",{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":10}", ""));
        c.arch("arch not JSON", "JSON", "{\"input_shape\": [1, 28, 28], \"layers\": [");
        c.arch("arch with the wrong input shape", "shape|input",
                Cli.ARCHITECTURE.replace("[1,28,28]", "[3,32,32]"));

        // Inputs.
        c.inputs("inputs of the wrong length", "783|values|length", oneInput(pixels(783, "0.5"), "3"));
        c.inputs("label 10", "label", oneInput(pixels(784, "0.5"), "10"));
        c.inputs("label -1", "label", oneInput(pixels(784, "0.5"), "-1"));
        c.inputs("label not an integer", "label", oneInput(pixels(784, "0.5"), "2.5"));
        c.inputs("more inputs than labels", "labels", "{\"inputs\": [" + pixels(784, "0.5") + ","
                + pixels(784, "0.5") + "], \"labels\": [1]}");
        c.inputs("infinite input", "finite", oneInput(pixels(784, "1e999"), "3"));
        c.inputs("NaN input", "NaN|finite|number", oneInput(pixels(784, "NaN"), "3"));
        c.inputs("string input", "finite|number", oneInput(pixels(784, "\"x\""), "3"));
        c.inputs("input outside the domain", "domain", oneInput(pixels(784, "1.5"), "3"));
        c.inputs("inputs not JSON", "JSON", "{\"inputs\": [[0.1, 0.2");
        c.inputs("inputs without labels", "labels", "{\"inputs\": []}");

        // Option values.
        c.with("eps -0.1", "eps", "--eps", "-0.1");
        c.with("eps NaN", "eps", "--eps", "NaN");
        c.with("eps Infinity", "eps", "--eps", "Infinity");
        c.with("eps not a number", "eps", "--eps", "abc");
        c.with("method foo", "method", "--method", "foo");
        c.with("slopes foo", "slope", "--slopes", "foo");
        c.with("mode foo", "mode", "--mode", "foo");
        c.with("domain 1,0", "domain", "--domain", "1,0");
        c.with("domain abc", "domain", "--domain", "abc");
        c.with("domain with one number", "domain", "--domain", "0");
        c.with("domain with NaN", "domain", "--domain", "0,NaN");
        c.with("batch size 0", "batch", "--batch-size", "0");

        // Usage.
        c.with("unknown option", "unknown option|--frobnicate", "--frobnicate", "1");
        c.with("missing --eps", "eps", "--eps", null);
        c.with("missing --model", "model", "--model", null);
        c.add("no command", "command");
        c.add("unknown command", "foo|unmatched", "foo");

        return c.list.stream().map(k -> DynamicTest.dynamicTest(k.name(), () -> {
            List<String> args = new ArrayList<>();
            if (!k.name().equals("no command") && !k.name().equals("unknown command")) {
                args.add("bounds");
            }
            args.addAll(k.args());
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(2, r.code(), () -> k.name() + ": " + r);
            assertEquals("", r.out(), () -> k.name() + ": nothing on stdout, " + r);
            String err = r.err().strip();
            assertFalse(err.isEmpty(), () -> k.name() + ": a message on stderr");
            assertFalse(err.contains("\n"), () -> k.name() + ": one line on stderr, " + r);
            assertFalse(err.contains("Exception") || err.contains("\tat "), () -> k.name() + ": no stack trace, " + r);
            assertFalse(err.startsWith("internal error"), () -> k.name() + ": " + r);
            assertTrue(Pattern.compile(k.expected(), Pattern.CASE_INSENSITIVE).matcher(err).find(),
                    () -> k.name() + ": message should name the problem (/" + k.expected() + "/), " + r);
        }));
    }
}
