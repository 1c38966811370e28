package io.robustcert.core.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.model.Network;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The float64 reference vectors of ../shared/bench (mnist_small at ε = 0.1, an independent implementation). */
public final class Fixtures {

    public static final String MNIST_SMALL_ARCHITECTURE = "{\"input_shape\":[1,28,28],\"layers\":["
            + "{\"type\":\"conv2d\",\"out\":16,\"kernel\":4,\"stride\":2,\"padding\":1},{\"type\":\"relu\"},"
            + "{\"type\":\"conv2d\",\"out\":32,\"kernel\":4,\"stride\":2,\"padding\":1},{\"type\":\"relu\"},"
            + "{\"type\":\"flatten\"},{\"type\":\"linear\",\"out\":100},{\"type\":\"relu\"},{\"type\":\"linear\",\"out\":10}]}";

    private Fixtures() {
    }

    public static Network mnistSmall() {
        try (InputStream in = resource("/mnist_small_eps0.1.safetensors")) {
            return ModelFile.read(in, ModelFile.DEFAULT_MAX_BYTES, MNIST_SMALL_ARCHITECTURE).network();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (io.robustcert.core.io.ModelFormatException e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode mnistSmallVectors() {
        try (InputStream in = resource("/mnist_small_eps0.1.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double[][] matrix(JsonNode node) {
        double[][] m = new double[node.size()][];
        for (int i = 0; i < m.length; i++) {
            m[i] = new double[node.get(i).size()];
            for (int j = 0; j < m[i].length; j++) {
                m[i][j] = node.get(i).get(j).asDouble();
            }
        }
        return m;
    }

    public static int[] ints(JsonNode node) {
        int[] v = new int[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = node.get(i).asInt();
        }
        return v;
    }

    public static InputStream resource(String name) {
        InputStream in = Fixtures.class.getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("missing test resource " + name);
        }
        return in;
    }
}
