package io.robustcert.core.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.testing.Fixtures;
import io.robustcert.core.testing.TestNetworks;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelFileTest {

    private static byte[] write(Network net) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ModelFile.write(net, "{\"seed\":1}", out);
        return out.toByteArray();
    }

    private static ModelFile.Loaded read(byte[] bytes, String arch) throws Exception {
        return ModelFile.read(new ByteArrayInputStream(bytes), ModelFile.DEFAULT_MAX_BYTES, arch);
    }

    /** A safetensors file from a header JSON and a data section. */
    static byte[] safetensors(String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.putLong(h.length).put(h).put(data);
        return buf.array();
    }

    @Test
    void roundTripKeepsArchitectureWeightsAndProvenance() throws Exception {
        for (TestNetworks.Case c : TestNetworks.shapes()) {
            Network net = c.network();
            ModelFile.Loaded loaded = read(write(net), null);
            assertEquals("{\"seed\":1}", loaded.metadata().get(ModelFile.PROVENANCE_KEY));
            INDArray x = Nd4j.createFromArray(TestNetworks.inputs(5, 3, net.inputSize()));
            assertEquals(net.forward(x, Precision.SOUND), loaded.network().forward(x, Precision.SOUND), c.name());
        }
    }

    @Test
    void loadsTheReferenceFileWithASeparateArchitecture() {
        Network net = Fixtures.mnistSmall();
        assertEquals(10, net.numClasses());
        assertEquals(1568 * 100 + 100 + 16 * 16 + 16 + 32 * 16 * 16 + 32 + 1000 + 10, net.parameterCount());
    }

    @Test
    void fileWithoutArchitectureNeedsOne() {
        ModelFormatException e = assertThrows(ModelFormatException.class,
                () -> read(Fixtures.resource("/mnist_small_eps0.1.safetensors").readAllBytes(), null));
        assertTrue(e.getMessage().contains("architecture"), e.getMessage());
    }

    private static void rejects(byte[] file, String arch, String expectedWord) {
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> read(file, arch));
        assertTrue(e.getMessage().contains(expectedWord), "'" + e.getMessage() + "' should mention " + expectedWord);
    }

    private static final String TINY = "{\"input_shape\":[2],\"layers\":[{\"type\":\"linear\",\"out\":2}]}";

    private static String entry(String name, String dtype, String shape, long begin, long end) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + begin + "," + end + "]}";
    }

    private static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void malformedFilesGetClearErrors() {
        byte[] good = safetensors("{" + entry("0.weight", "F32", "[2,2]", 0, 16) + "," + entry("0.bias", "F32", "[2]", 16, 24) + "}",
                floats(1, 2, 3, 4, 5, 6));
        assertEquals(2, assertDoesNotThrowRead(good).numClasses());
        byte[] lengthPastEnd = good.clone();
        ByteBuffer.wrap(lengthPastEnd).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1_000_000);
        rejects(lengthPastEnd, TINY, "header length");
        rejects(new byte[] {1, 2, 3}, TINY, "truncated");
        rejects(java.util.Arrays.copyOf(good, good.length - 4), TINY, "truncated");
        rejects(safetensors("{" + entry("0.weight", "F32", "[2,2]", 0, 16) + "," + entry("0.bias", "F32", "[2]", 8, 16) + "}",
                floats(1, 2, 3, 4)), TINY, "overlap");
        rejects(safetensors("{" + entry("0.weight", "F32", "[2,2]", 0, 16) + "," + entry("0.bias", "F32", "[2]", 16, 24) + "}",
                floats(1, 2, 3, 4)), TINY, "truncated");
        rejects(safetensors("{" + entry("0.weight", "F32", "[2,2]", 0, 16) + "," + entry("0.bias", "Q7", "[2]", 16, 24) + "}",
                floats(1, 2, 3, 4, 5, 6)), TINY, "unknown dtype");
        rejects(safetensors("{" + entry("0.weight", "F32", "[2,3]", 0, 24) + "," + entry("0.bias", "F32", "[2]", 24, 32) + "}",
                floats(1, 2, 3, 4, 5, 6, 7, 8)), TINY, "shape");
        rejects(safetensors("{" + entry("0.weight", "F32", "[2,2]", 0, 16) + "," + entry("0.bias", "F32", "[2]", 16, 24) + "}",
                floats(1, Float.NaN, 3, 4, 5, 6)), TINY, "NaN");
        rejects(safetensors("{not json", new byte[0]), TINY, "JSON");
        rejects(good, "{\"input_shape\":[2],\"layers\":[{\"type\":\"dense\",\"out\":2}]}", "unknown layer type");
        rejects(good, "{\"input_shape\":[2],\"layers\":[{\"type\":\"linear\",\"out\":2,\"outs\":3}]}", "unknown key");
        rejects(good, "{\"input_shape\":[2],\"layers\":[{\"type\":\"linear\",\"out\":2},{\"type\":\"relu\"}]}", "last layer");
        rejects(good, "{\"input_shape\":[3],\"layers\":[{\"type\":\"linear\",\"out\":2}]}", "shape");
    }

    private static Network assertDoesNotThrowRead(byte[] file) {
        try {
            return read(file, TINY).network();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void labeledInputsAreCheckedAgainstTheModel() {
        String ok = "{\"inputs\":[[0.5,0.25]],\"labels\":[1]}";
        assertDoesNotThrowInputs(ok);
        for (Map.Entry<String, String> bad : Map.of(
                "{\"inputs\":[[0.5]],\"labels\":[1]}", "values",
                "{\"inputs\":[[0.5,0.25]],\"labels\":[2]}", "label",
                "{\"inputs\":[[0.5,\"NaN\"]],\"labels\":[1]}", "finite",
                "{\"inputs\":[[0.5,0.25]],\"labels\":[1,0]}", "labels",
                "[1,2]", "object").entrySet()) {
            ModelFormatException e = assertThrows(ModelFormatException.class, () -> LabeledInputs.read(
                    new ByteArrayInputStream(bad.getKey().getBytes(StandardCharsets.UTF_8)), 2, 2, 1 << 20));
            assertTrue(e.getMessage().contains(bad.getValue()), e.getMessage());
        }
    }

    private static void assertDoesNotThrowInputs(String json) {
        try {
            LabeledInputs in = LabeledInputs.read(new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), 2, 2, 1 << 20);
            assertEquals(1, in.size());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
