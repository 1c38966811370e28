package io.robustcert.core.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustcert.core.layer.Layer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The architecture JSON: {@code {"input_shape": [C, H, W], "layers": [{"type": "conv2d", "out": K,
 * "kernel": k, "stride": s, "padding": p}, {"type": "relu"}, {"type": "flatten"}, {"type": "linear",
 * "out": M}, {"type": "normalize", "mean": [...], "std": [...]}, {"type": "batchnorm", "gamma": [...], "beta":
 * [...], "mean": [...], "var": [...], "eps": 1e-5}]}}. The i-th entry (from 0) takes its
 * parameters from the tensors {@code i.weight} and {@code i.bias}, as {@code nn.Sequential} names them.
 * Unknown keys are errors, so a typo never silently changes a model.
 */
public record Architecture(long[] inputShape, List<LayerSpec> layers) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One entry of {@code layers}: its type and its remaining fields. */
    public record LayerSpec(String type, JsonNode fields) {

        int integer(String key, int fallback, int index) throws ModelFormatException {
            JsonNode v = fields.get(key);
            if (v == null) {
                if (fallback == Integer.MIN_VALUE) {
                    throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key + "' is missing");
                }
                return fallback;
            }
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key
                        + "' must be an integer, got " + v);
            }
            return v.asInt();
        }

        double[] numbers(String key, int index) throws ModelFormatException {
            JsonNode v = fields.get(key);
            if (v == null || !v.isArray()) {
                throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key
                        + "' must be an array of numbers");
            }
            double[] out = new double[v.size()];
            for (int i = 0; i < out.length; i++) {
                if (!v.get(i).isNumber()) {
                    throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key
                            + "' must be an array of numbers");
                }
                out[i] = v.get(i).asDouble();
            }
            return out;
        }

        /** A number, or {@code fallback} when the key is absent. */
        double number(String key, double fallback, int index) throws ModelFormatException {
            JsonNode v = fields.get(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isNumber()) {
                throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key
                        + "' must be a number, got " + v);
            }
            return v.asDouble();
        }

        boolean flag(String key, boolean fallback, int index) throws ModelFormatException {
            JsonNode v = fields.get(key);
            if (v == null) {
                return fallback;
            }
            if (!v.isBoolean()) {
                throw new ModelFormatException("architecture layer " + index + " (" + type + "): '" + key + "' must be true or false");
            }
            return v.asBoolean();
        }
    }

    public static Architecture parse(String json) throws ModelFormatException {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelFormatException("architecture is not valid JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new ModelFormatException("architecture must be a JSON object with input_shape and layers");
        }
        for (java.util.Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!Set.of("input_shape", "layers").contains(key)) {
                throw new ModelFormatException("architecture has an unknown key '" + key + "'");
            }
        }
        JsonNode shapeNode = root.get("input_shape");
        if (shapeNode == null || !shapeNode.isArray() || shapeNode.isEmpty()) {
            throw new ModelFormatException("architecture needs input_shape, e.g. [1, 28, 28]");
        }
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = shapeNode.get(i);
            if (!d.isIntegralNumber() || d.asLong() < 1 || d.asLong() > (1 << 20)) {
                throw new ModelFormatException("architecture input_shape entries must be positive integers, got " + shapeNode);
            }
            shape[i] = d.asLong();
        }
        JsonNode layersNode = root.get("layers");
        if (layersNode == null || !layersNode.isArray() || layersNode.isEmpty()) {
            throw new ModelFormatException("architecture needs a non-empty layers array");
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            JsonNode l = layersNode.get(i);
            if (!l.isObject() || !l.path("type").isTextual()) {
                throw new ModelFormatException("architecture layer " + i + " needs a \"type\"");
            }
            layers.add(new LayerSpec(l.get("type").asText(), l));
        }
        return new Architecture(shape, layers);
    }

    /** The JSON of a network's architecture, as written into model files. */
    public static String describe(long[] inputShape, List<Layer> layers) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("input_shape", inputShape);
        root.put("layers", layers.stream().map(Layer::describe).toList());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write architecture JSON", e);
        }
    }

}
