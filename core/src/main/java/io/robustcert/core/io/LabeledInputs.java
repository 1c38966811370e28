package io.robustcert.core.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inputs to certify and their labels, from JSON {@code {"inputs": [[floats in C·H·W order], ...],
 * "labels": [ints]}}. Each number is parsed to the nearest double, and that double is the input (sound
 * mode never rounds it to float32).
 */
public record LabeledInputs(double[][] inputs, int[] labels) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /**
     * @param expectedLength values per input the model takes
     * @param classes        the model's number of classes (labels must lie in [0, classes))
     * @param maxBytes       refuse larger payloads
     */
    public static LabeledInputs read(InputStream in, long expectedLength, int classes, long maxBytes)
            throws ModelFormatException, IOException {
        byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
        if (bytes.length > maxBytes) {
            throw new ModelFormatException("inputs file is larger than the limit of " + maxBytes + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("inputs file is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject() || !root.path("inputs").isArray() || !root.path("labels").isArray()) {
            throw new ModelFormatException("inputs file must be an object with arrays \"inputs\" and \"labels\"");
        }
        JsonNode inputs = root.get("inputs");
        JsonNode labels = root.get("labels");
        if (inputs.size() != labels.size()) {
            throw new ModelFormatException("inputs file has " + inputs.size() + " inputs but " + labels.size() + " labels");
        }
        double[][] x = new double[inputs.size()][];
        int[] y = new int[labels.size()];
        for (int i = 0; i < x.length; i++) {
            JsonNode row = inputs.get(i);
            if (!row.isArray() || row.size() != expectedLength) {
                throw new ModelFormatException("input " + i + " has " + (row.isArray() ? row.size() : 0)
                        + " values, the model takes " + expectedLength);
            }
            x[i] = new double[row.size()];
            for (int j = 0; j < row.size(); j++) {
                JsonNode v = row.get(j);
                if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
                    throw new ModelFormatException("input " + i + " value " + j + " is not a finite number: " + v);
                }
                x[i][j] = v.asDouble();
            }
            JsonNode label = labels.get(i);
            if (!label.isIntegralNumber() || !label.canConvertToInt() || label.asInt() < 0 || label.asInt() >= classes) {
                throw new ModelFormatException("label " + i + " is " + label + ", expected an integer in [0, " + (classes - 1) + "]");
            }
            y[i] = label.asInt();
        }
        return new LabeledInputs(x, y);
    }

    public int size() {
        return labels.length;
    }

    /** The inputs as a float64 tensor {@code [B, n]}. */
    public INDArray tensor() {
        if (inputs.length == 0) {
            return Nd4j.create(org.nd4j.linalg.api.buffer.DataType.DOUBLE, 0, 0);
        }
        return Nd4j.createFromArray(inputs);
    }
}
