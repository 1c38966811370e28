package io.robustcert.core.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 * the core's model format, and what cannot be imported exactly is refused with the node and the reason.
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
    @ValueSource(strings = {"conv", "mlp_matmul"})
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

    @Test
    void soundBoundsOfTheImportedNetworkHoldOnSampledPoints() throws Exception {
        Network network = load("conv").network();
        JsonNode expected = JSON.readTree(resource("conv.json"));
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
