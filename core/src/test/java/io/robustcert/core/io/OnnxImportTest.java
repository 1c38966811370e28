package io.robustcert.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.CodedOutputStream;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ONNX files written by PyTorch's own exporter (src/test/resources/onnx/make_fixtures.py, torch 1.13): the imported
 * network computes PyTorch's logits, its sound bounds hold on sampled points, it survives a round trip through
 * the core's model format, and what cannot be imported exactly is refused with the node and the reason. One model
 * written here field by field covers the typed tensor encodings PyTorch does not use.
 */
class OnnxImportTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    static byte[] resource(String name) throws IOException {
        try (InputStream in = OnnxImportTest.class.getResourceAsStream("/onnx/" + name)) {
            return in.readAllBytes();
        }
    }

    static OnnxImport.Imported load(String name) throws Exception {
        return OnnxImport.read(new ByteArrayInputStream(resource(name + ".onnx")), ModelFile.DEFAULT_MAX_BYTES);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv", "mlp_matmul", "batchnorm"})
    void importedNetworksComputePyTorchsLogits(String name) throws Exception {
        OnnxImport.Imported imported = load(name);
        JsonNode expected = JSON.readTree(resource(name + ".json"));
        double[][] x = JSON.treeToValue(expected.get("inputs"), double[][].class);
        double[][] logits = JSON.treeToValue(expected.get("logits"), double[][].class);
        double[][] ours = imported.network().forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix();
        for (int i = 0; i < x.length; i++) {
            // PyTorch ran in float32, the sound forward pass in float64
            assertArrayEquals(logits[i], ours[i], 1e-4, name + " input " + i);
        }
        // The same network after a round trip through the core's own model format.
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        ModelFile.write(imported.network(), "{\"source\": \"onnx\"}", file);
        Network reread = ModelFile.read(new ByteArrayInputStream(file.toByteArray()), ModelFile.DEFAULT_MAX_BYTES, null).network();
        assertArrayEquals(ours[0], reread.forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix()[0], 1e-6);
    }

    @Test
    void batchNormalizationNodesBecomeBatchnormLayersWithTheirStatistics() throws Exception {
        JsonNode arch = JSON.readTree(load("batchnorm").architectureJson());
        List<String> types = new java.util.ArrayList<>();
        arch.get("layers").forEach(l -> types.add(l.get("type").asText()));
        assertEquals(List.of("conv2d", "batchnorm", "relu", "flatten", "linear", "batchnorm", "relu", "linear"), types);
        JsonNode bn = arch.get("layers").get(1);
        assertEquals(4, bn.get("var").size());
        assertEquals((double) 1e-5f, bn.get("eps").asDouble());
        assertEquals(16, arch.get("layers").get(5).get("gamma").size());
    }

    @Test
    void theConvolutionalExportMapsToTheCoresLayers() throws Exception {
        JsonNode arch = JSON.readTree(load("conv").architectureJson());
        assertEquals("[1,28,28]", arch.get("input_shape").toString());
        List<String> types = new java.util.ArrayList<>();
        arch.get("layers").forEach(l -> types.add(l.get("type").asText()));
        assertEquals(List.of("normalize", "conv2d", "relu", "conv2d", "relu", "flatten", "linear", "relu", "linear"), types);
        JsonNode conv2 = arch.get("layers").get(3);
        assertEquals(4, conv2.get("kernel").asInt());
        assertEquals(2, conv2.get("stride").asInt());
        assertEquals(1, conv2.get("padding").asInt());
        assertEquals(0.3081, arch.get("layers").get(0).get("std").get(0).asDouble(), 1e-6);
    }

    @ParameterizedTest
    @ValueSource(strings = {"conv", "batchnorm"})
    void soundBoundsOfTheImportedNetworkHoldOnSampledPoints(String name) throws Exception {
        Network network = load(name).network();
        JsonNode expected = JSON.readTree(resource(name + ".json"));
        double[][] x = JSON.treeToValue(expected.get("inputs"), double[][].class);
        int[] labels = new int[x.length];
        double[][] clean = network.forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix();
        for (int i = 0; i < x.length; i++) {
            labels[i] = argmax(clean[i]);
        }
        double eps = 0.02;
        LinfBall ball = new LinfBall(eps, InputDomain.UNIT);
        Random random = new Random(11);
        for (BoundMethod method : List.of(new Ibp(), new CrownIbp())) {
            MarginBounds bounds = method.compute(network, Nd4j.createFromArray(x), labels, ball, Precision.SOUND);
            for (int i = 0; i < x.length; i++) {
                double[] lower = bounds.lowerRow(i);
                for (int s = 0; s < 200; s++) {
                    double[] p = new double[x[i].length];
                    for (int k = 0; k < p.length; k++) {
                        double v = x[i][k] + eps * (s % 2 == 0 ? (random.nextBoolean() ? 1 : -1) : 2 * random.nextDouble() - 1);
                        p[k] = Math.min(1, Math.max(0, v));
                    }
                    double[] z = network.forward(Nd4j.createFromArray(new double[][] {p}), Precision.SOUND).toDoubleVector();
                    int r = 0;
                    for (int j = 0; j < z.length; j++) {
                        if (j != labels[i]) {
                            assertTrue(z[labels[i]] - z[j] >= lower[r], method.label() + ": margin " + (z[labels[i]] - z[j])
                                    + " below its lower bound " + lower[r]);
                            r++;
                        }
                    }
                }
            }
        }
    }

    @Test
    void whatCannotBeImportedExactlyIsRefusedWithTheNodeAndTheReason() throws Exception {
        ModelFormatException pool = assertThrows(ModelFormatException.class, () -> load("maxpool"));
        assertTrue(pool.getMessage().contains("(MaxPool) is not supported"), pool.getMessage());
        ModelFormatException branch = assertThrows(ModelFormatException.class, () -> load("residual"));
        assertTrue(branch.getMessage().contains("(Add) does not take the previous layer's output")
                && branch.getMessage().contains("chain"), branch.getMessage());
        // Not ONNX at all, truncated, over the size limit.
        assertThrows(ModelFormatException.class, () -> OnnxImport.read(new ByteArrayInputStream(
                "{\"not\": \"onnx\"}".getBytes()), ModelFile.DEFAULT_MAX_BYTES));
        byte[] conv = resource("conv.onnx");
        ModelFormatException cut = assertThrows(ModelFormatException.class, () -> OnnxImport.read(
                new ByteArrayInputStream(java.util.Arrays.copyOf(conv, conv.length / 2)), ModelFile.DEFAULT_MAX_BYTES));
        assertTrue(cut.getMessage().startsWith("not a valid ONNX model") || cut.getMessage().startsWith("not an ONNX model"),
                cut.getMessage());
        ModelFormatException large = assertThrows(ModelFormatException.class, () -> OnnxImport.read(
                new ByteArrayInputStream(conv), 1000));
        assertTrue(large.getMessage().contains("larger than the limit"), large.getMessage());
    }

    /**
     * PyTorch writes tensors as raw bytes; other exporters use the typed fields, packed or one value per
     * field. A model written here field by field with every such encoding (float and double data, packed and
     * not; dimensions packed and not) computes what its weights say.
     */
    @Test
    void typedTensorDataInEveryEncodingIsRead() throws Exception {
        double[][] w1 = {{0.5, -1.0, 0.25}, {1.5, 0.75, -0.5}, {-2.0, 0.125, 1.0}, {0.0, 1.0, 1.0}};
        double[] b1 = {0.1, -0.2, 0.3, -0.4};
        double[][] w2 = {{1.0, -1.0}, {0.5, 2.0}, {-0.25, 0.75}, {3.0, -0.5}};
        double[] b2 = {0.01, -0.02};
        byte[] graph = message(g -> {
            g.writeByteArray(1, node("Gemm", List.of("x", "W1", "B1"), "h", message(a -> {
                a.writeString(1, "transB");
                a.writeInt64(3, 1);
                a.writeInt32(20, 2); // AttributeProto.INT
            })));
            g.writeByteArray(1, node("Relu", List.of("h"), "r", null));
            g.writeByteArray(1, node("MatMul", List.of("r", "W2"), "m", null));
            g.writeByteArray(1, node("Add", List.of("m", "B2"), "y", null));
            // W1: float, packed values, one field per dimension
            g.writeByteArray(5, message(t -> {
                t.writeInt64(1, 4);
                t.writeInt64(1, 3);
                t.writeInt32(2, 1);
                t.writeByteArray(4, message(v -> {
                    for (double[] row : w1) {
                        for (double x : row) {
                            v.writeFloatNoTag((float) x);
                        }
                    }
                }));
                t.writeString(8, "W1");
            }));
            // B1: float, one field per value
            g.writeByteArray(5, message(t -> {
                t.writeInt64(1, 4);
                t.writeInt32(2, 1);
                for (double x : b1) {
                    t.writeFloat(4, (float) x);
                }
                t.writeString(8, "B1");
            }));
            // W2: double, one field per value, packed dimensions
            g.writeByteArray(5, message(t -> {
                t.writeByteArray(1, message(d -> {
                    d.writeInt64NoTag(4);
                    d.writeInt64NoTag(2);
                }));
                t.writeInt32(2, 11);
                for (double[] row : w2) {
                    for (double x : row) {
                        t.writeDouble(10, x);
                    }
                }
                t.writeString(8, "W2");
            }));
            // B2: double, packed values
            g.writeByteArray(5, message(t -> {
                t.writeInt64(1, 2);
                t.writeInt32(2, 11);
                t.writeByteArray(10, message(v -> {
                    for (double x : b2) {
                        v.writeDoubleNoTag(x);
                    }
                }));
                t.writeString(8, "B2");
            }));
            g.writeByteArray(11, valueInfo("x", 3));
            g.writeByteArray(12, valueInfo("y", 2));
        });
        byte[] model = message(m -> {
            m.writeInt64(1, 8);
            m.writeByteArray(7, graph);
        });
        Network network = OnnxImport.read(new ByteArrayInputStream(model), ModelFile.DEFAULT_MAX_BYTES).network();
        double[][] x = {{0.2, 0.4, 0.6}, {1.0, 0.0, 0.5}};
        double[][] ours = network.forward(Nd4j.createFromArray(x), Precision.SOUND).toDoubleMatrix();
        for (int n = 0; n < x.length; n++) {
            double[] hidden = new double[w1.length];
            for (int j = 0; j < w1.length; j++) {
                double h = b1[j];
                for (int i = 0; i < x[n].length; i++) {
                    h += w1[j][i] * x[n][i];
                }
                hidden[j] = Math.max(0, h);
            }
            for (int k = 0; k < b2.length; k++) {
                double y = b2[k];
                for (int j = 0; j < hidden.length; j++) {
                    y += hidden[j] * w2[j][k];
                }
                // the float weights are exact in float32; the biases of the first layer are not
                assertEquals(y, ours[n][k], 1e-6, "input " + n + " logit " + k);
            }
        }
    }

    @FunctionalInterface
    private interface Fields {
        void write(CodedOutputStream out) throws IOException;
    }

    private static byte[] message(Fields fields) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        fields.write(out);
        out.flush();
        return bytes.toByteArray();
    }

    private static byte[] node(String op, List<String> inputs, String output, byte[] attribute) throws IOException {
        return message(n -> {
            for (String in : inputs) {
                n.writeString(1, in);
            }
            n.writeString(2, output);
            n.writeString(3, op.toLowerCase() + "_0");
            n.writeString(4, op);
            if (attribute != null) {
                n.writeByteArray(5, attribute);
            }
        });
    }

    /** A float tensor [batch, features] with a symbolic batch dimension. */
    private static byte[] valueInfo(String name, int features) throws IOException {
        byte[] shape = message(s -> {
            s.writeByteArray(1, message(d -> d.writeString(2, "batch")));
            s.writeByteArray(1, message(d -> d.writeInt64(1, features)));
        });
        return message(v -> {
            v.writeString(1, name);
            v.writeByteArray(2, message(type -> type.writeByteArray(1, message(tensor -> {
                tensor.writeInt32(1, 1);
                tensor.writeByteArray(2, shape);
            }))));
        });
    }

    private static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
