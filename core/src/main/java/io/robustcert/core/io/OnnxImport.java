package io.robustcert.core.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.robustcert.core.model.Network;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Imports a feed-forward network from an ONNX model file, as PyTorch's {@code torch.onnx.export} writes one
 * for an {@code nn.Sequential} of the layer kinds the core bounds: Conv (square kernel, equal strides and
 * pads, no dilation or groups), Gemm or MatMul (+ Add), Relu, Flatten or a Reshape to rows, Sub/Div by
 * per-channel constants (input normalisation) and BatchNormalization in inference mode; Identity and Dropout
 * (inference) pass through. The graph must
 * be one chain from its input to its output. Anything else is refused with the node and the reason, never
 * approximated: a certificate for a different network would be worthless.
 *
 * <p>The result is the core's own architecture and tensors, so the imported network is built and checked by
 * {@link ModelFile#build} like any model file, and can be saved as one.
 */
public final class OnnxImport {

    /** The imported network, and the architecture JSON and tensors it was built from. */
    public record Imported(Network network, String architectureJson, Map<String, Safetensors.Tensor> tensors) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> PASS_THROUGH = Set.of("Identity", "Dropout");

    private OnnxImport() {
    }

    /** Reads and imports a model of at most {@code maxBytes}. */
    public static Imported read(InputStream in, long maxBytes) throws ModelFormatException, IOException {
        try {
            return new Builder(OnnxModel.read(in, maxBytes)).build();
        } catch (ArithmeticException e) {
            throw new ModelFormatException("ONNX model has a tensor too large to hold");
        }
    }

    /** Walks the chain of nodes, keeping the current value's name and shape (without the batch dimension). */
    private static final class Builder {
        private final OnnxModel model;
        private final Map<String, OnnxModel.Tensor> constants = new HashMap<>();
        private final ArrayNode layers = JSON.createArrayNode();
        private final Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        private String current;
        private long[] shape;
        private long[] inputShape;

        Builder(OnnxModel model) {
            this.model = model;
            constants.putAll(model.initializers());
        }

        Imported build() throws ModelFormatException {
            start();
            List<OnnxModel.Node> nodes = model.nodes();
            for (int k = 0; k < nodes.size(); k++) {
                OnnxModel.Node node = nodes.get(k);
                String where = node.describe(k);
                if (!node.domain().isEmpty() && !node.domain().equals("ai.onnx")) {
                    throw new ModelFormatException(where + ": operators of domain '" + node.domain() + "' are not supported");
                }
                if (node.opType().equals("Constant")) {
                    OnnxModel.Attribute value = node.attributes().get("value");
                    if (value == null || value.t() == null || node.outputs().size() != 1) {
                        throw new ModelFormatException(where + ": only tensor-valued constants are supported");
                    }
                    constants.put(node.outputs().get(0), value.t());
                    continue;
                }
                if (node.inputs().isEmpty() || !node.inputs().get(0).equals(current)) {
                    throw new ModelFormatException(where + " does not take the previous layer's output as its first input: "
                            + "only a chain of layers (nn.Sequential) can be imported");
                }
                if (node.outputs().isEmpty()) {
                    throw new ModelFormatException(where + " has no output");
                }
                // A MatMul's bias is the Add that follows it.
                if (node.opType().equals("MatMul") && k + 1 < nodes.size() && isBiasAdd(nodes.get(k + 1), node.outputs().get(0))) {
                    OnnxModel.Node add = nodes.get(k + 1);
                    matMul(node, constant(add, add.inputs().get(1), node.describe(k + 1)), where);
                    current = add.outputs().get(0);
                    k++;
                    continue;
                }
                // Sub then Div by constants: one normalisation layer.
                if (node.opType().equals("Sub") && k + 1 < nodes.size() && nodes.get(k + 1).opType().equals("Div")
                        && nodes.get(k + 1).inputs().get(0).equals(node.outputs().get(0))) {
                    OnnxModel.Node div = nodes.get(k + 1);
                    normalize(constant(node, second(node, where), where), constant(div, second(div, where), where), where);
                    current = div.outputs().get(0);
                    k++;
                    continue;
                }
                layer(node, where);
                current = node.outputs().get(0);
            }
            if (!model.outputs().contains(current) || model.outputs().size() != 1) {
                throw new ModelFormatException("ONNX graph output " + model.outputs() + " is not the end of the chain ("
                        + current + ")");
            }
            if (layers.isEmpty()) {
                throw new ModelFormatException("ONNX graph has no layers");
            }
            ObjectNode architecture = JSON.createObjectNode();
            ArrayNode in = architecture.putArray("input_shape");
            Arrays.stream(inputShape).forEach(in::add);
            architecture.set("layers", layers);
            String json = architecture.toString();
            Network network = ModelFile.build(Architecture.parse(json), tensors);
            return new Imported(network, json, tensors);
        }

        /** The graph's one data input (inputs that are initializers are weights, as older exporters list them). */
        private void start() throws ModelFormatException {
            List<OnnxModel.ValueInfo> data = model.inputs().stream()
                    .filter(v -> !model.initializers().containsKey(v.name())).toList();
            if (data.size() != 1) {
                throw new ModelFormatException("ONNX graph must have exactly one input besides its weights, has " + data.size());
            }
            long[] dims = data.get(0).dims();
            if (dims.length != 2 && dims.length != 4) {
                throw new ModelFormatException("ONNX input '" + data.get(0).name() + "' must be [N, features] or [N, C, H, W], is "
                        + Arrays.toString(dims));
            }
            inputShape = Arrays.copyOfRange(dims, 1, dims.length);
            for (long d : inputShape) {
                if (d < 1) {
                    throw new ModelFormatException("ONNX input '" + data.get(0).name() + "' needs fixed sizes after the batch "
                            + "dimension, has " + Arrays.toString(dims) + " (export with a concrete example input)");
                }
            }
            current = data.get(0).name();
            shape = inputShape.clone();
        }

        private void layer(OnnxModel.Node node, String where) throws ModelFormatException {
            switch (node.opType()) {
                case "Relu" -> add("relu");
                case "Flatten" -> {
                    long axis = node.attributes().containsKey("axis") ? node.attributes().get("axis").i() : 1;
                    if (axis != 1) {
                        throw new ModelFormatException(where + ": only Flatten with axis 1 (keep the batch) is supported");
                    }
                    flatten();
                }
                case "Reshape" -> {
                    double[] target = constant(node, second(node, where), where).values();
                    long size = Arrays.stream(shape).reduce(1, Math::multiplyExact);
                    boolean rows = target.length == 2 && (target[1] == -1 || target[1] == size)
                            && (target[0] == -1 || target[0] == 0 || target[0] >= 1);
                    if (!rows) {
                        throw new ModelFormatException(where + ": only a reshape to [batch, " + size + "] is supported, got "
                                + Arrays.toString(target));
                    }
                    flatten();
                }
                case "Gemm" -> gemm(node, where);
                case "MatMul" -> matMul(node, null, where);
                case "Conv" -> conv(node, where);
                case "Sub" -> normalize(constant(node, second(node, where), where), null, where);
                case "Div" -> normalize(null, constant(node, second(node, where), where), where);
                case "BatchNormalization" -> batchNorm(node, where);
                default -> {
                    if (PASS_THROUGH.contains(node.opType())) {
                        return;
                    }
                    throw new ModelFormatException(where + " is not supported (supported: Conv, Gemm, MatMul, Add after "
                            + "MatMul, Relu, Flatten, Reshape, Sub and Div by constants, BatchNormalization, Identity, Dropout, Constant)");
                }
            }
        }

        private void flatten() {
            if (shape.length > 1) {
                add("flatten");
                shape = new long[] {Arrays.stream(shape).reduce(1, Math::multiplyExact)};
            }
        }

        private void gemm(OnnxModel.Node node, String where) throws ModelFormatException {
            Map<String, OnnxModel.Attribute> a = node.attributes();
            if (a.containsKey("transA") && a.get("transA").i() != 0) {
                throw new ModelFormatException(where + ": transA is not supported");
            }
            double alpha = a.containsKey("alpha") ? a.get("alpha").f() : 1.0;
            double beta = a.containsKey("beta") ? a.get("beta").f() : 1.0;
            boolean transB = a.containsKey("transB") && a.get("transB").i() != 0;
            OnnxModel.Tensor b = constant(node, second(node, where), where);
            OnnxModel.Tensor c = node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()
                    ? constant(node, node.inputs().get(2), where) : null;
            linear(b, !transB, alpha, c, beta, where);
        }

        private void matMul(OnnxModel.Node node, OnnxModel.Tensor bias, String where) throws ModelFormatException {
            linear(constant(node, second(node, where), where), true, 1.0, bias, 1.0, where);
        }

        /** y = alpha·x·W' + beta·c, W' = Bᵀ when {@code transpose} (B stored [in, out]) else B ([out, in]). */
        private void linear(OnnxModel.Tensor b, boolean transpose, double alpha, OnnxModel.Tensor c, double beta, String where)
                throws ModelFormatException {
            if (shape.length != 1) {
                throw new ModelFormatException(where + " needs a flat input but receives " + Arrays.toString(shape));
            }
            if (b.dims().length != 2) {
                throw new ModelFormatException(where + ": weight '" + b.name() + "' must be a matrix, is "
                        + Arrays.toString(b.dims()));
            }
            int in = (int) (transpose ? b.dims()[0] : b.dims()[1]);
            int out = (int) (transpose ? b.dims()[1] : b.dims()[0]);
            if (in != shape[0]) {
                throw new ModelFormatException(where + ": weight '" + b.name() + "' takes " + in + " inputs, the layer receives "
                        + shape[0]);
            }
            double[] w = new double[in * out];
            for (int o = 0; o < out; o++) {
                for (int i = 0; i < in; i++) {
                    w[o * in + i] = alpha * b.values()[transpose ? i * out + o : o * in + i];
                }
            }
            double[] bias = new double[out];
            if (c != null) {
                if (c.values().length != out && c.values().length != 1) {
                    throw new ModelFormatException(where + ": bias '" + c.name() + "' has " + c.values().length
                            + " values for " + out + " outputs");
                }
                for (int o = 0; o < out; o++) {
                    bias[o] = beta * c.values()[c.values().length == 1 ? 0 : o];
                }
            }
            int index = layers.size();
            ObjectNode spec = add("linear");
            spec.put("out", out);
            tensors.put(index + ".weight", new Safetensors.Tensor("F64", new long[] {out, in}, w));
            tensors.put(index + ".bias", new Safetensors.Tensor("F64", new long[] {out}, bias));
            shape = new long[] {out};
        }

        private void conv(OnnxModel.Node node, String where) throws ModelFormatException {
            Map<String, OnnxModel.Attribute> a = node.attributes();
            if (a.containsKey("auto_pad") && !a.get("auto_pad").s().isEmpty() && !a.get("auto_pad").s().equals("NOTSET")) {
                throw new ModelFormatException(where + ": auto_pad " + a.get("auto_pad").s() + " is not supported (export "
                        + "with explicit pads)");
            }
            if (a.containsKey("group") && a.get("group").i() != 1) {
                throw new ModelFormatException(where + ": grouped convolutions are not supported");
            }
            if (a.containsKey("dilations") && Arrays.stream(a.get("dilations").ints()).anyMatch(d -> d != 1)) {
                throw new ModelFormatException(where + ": dilated convolutions are not supported");
            }
            OnnxModel.Tensor w = constant(node, second(node, where), where);
            if (w.dims().length != 4 || w.dims()[2] != w.dims()[3]) {
                throw new ModelFormatException(where + ": only 2-D convolutions with square kernels are supported, weight is "
                        + Arrays.toString(w.dims()));
            }
            if (shape.length != 3 || shape[0] != w.dims()[1]) {
                throw new ModelFormatException(where + ": weight " + Arrays.toString(w.dims()) + " does not fit the input "
                        + Arrays.toString(shape));
            }
            int kernel = (int) w.dims()[2];
            int stride = equal(a, "strides", 2, 1, where);
            int padding = equal(a, "pads", 4, 0, where);
            int out = (int) w.dims()[0];
            double[] bias = new double[out];
            if (node.inputs().size() > 2 && !node.inputs().get(2).isEmpty()) {
                OnnxModel.Tensor b = constant(node, node.inputs().get(2), where);
                if (b.values().length != out) {
                    throw new ModelFormatException(where + ": bias has " + b.values().length + " values for " + out + " channels");
                }
                bias = b.values();
            }
            int index = layers.size();
            ObjectNode spec = add("conv2d");
            spec.put("out", out).put("kernel", kernel).put("stride", stride).put("padding", padding);
            tensors.put(index + ".weight", new Safetensors.Tensor("F64", w.dims().clone(), w.values()));
            tensors.put(index + ".bias", new Safetensors.Tensor("F64", new long[] {out}, bias));
            long h = (shape[1] + 2L * padding - kernel) / stride + 1;
            long wd = (shape[2] + 2L * padding - kernel) / stride + 1;
            shape = new long[] {out, h, wd};
        }

        /** An attribute whose {@code count} integers must all be equal (strides, pads); {@code fallback} if absent. */
        private static int equal(Map<String, OnnxModel.Attribute> a, String key, int count, int fallback, String where)
                throws ModelFormatException {
            if (!a.containsKey(key)) {
                return fallback;
            }
            long[] v = a.get(key).ints();
            if (v.length != count || Arrays.stream(v).anyMatch(x -> x != v[0])) {
                throw new ModelFormatException(where + ": " + key + " " + Arrays.toString(v) + " must be equal in every direction");
            }
            return (int) v[0];
        }

        /** (x − mean) / std per channel (or per feature of a flat input); either may be absent (0 and 1). */
        private void normalize(OnnxModel.Tensor mean, OnnxModel.Tensor std, String where) throws ModelFormatException {
            int channels = (int) shape[0];
            double[] m = perChannel(mean, channels, 0.0, where);
            double[] s = perChannel(std, channels, 1.0, where);
            ObjectNode spec = add("normalize");
            ArrayNode mn = spec.putArray("mean");
            Arrays.stream(m).forEach(mn::add);
            ArrayNode sd = spec.putArray("std");
            Arrays.stream(s).forEach(sd::add);
        }

        /** Batch normalisation in inference mode: scale, bias, mean and variance constants, one per channel. */
        private void batchNorm(OnnxModel.Node node, String where) throws ModelFormatException {
            Map<String, OnnxModel.Attribute> a = node.attributes();
            if (a.containsKey("training_mode") && a.get("training_mode").i() != 0
                    || node.outputs().stream().skip(1).anyMatch(o -> !o.isEmpty())) {
                throw new ModelFormatException(where + ": training-mode batch normalisation (batch statistics) is not "
                        + "supported; export the model in eval mode");
            }
            if (a.containsKey("spatial") && a.get("spatial").i() == 0) {
                throw new ModelFormatException(where + ": per-position statistics (spatial = 0) are not supported");
            }
            if (node.inputs().size() != 5) {
                throw new ModelFormatException(where + " needs 5 inputs (X, scale, B, mean, var), has " + node.inputs().size());
            }
            int channels = (int) shape[0];
            String[] keys = {"gamma", "beta", "mean", "var"};
            ObjectNode spec = add("batchnorm");
            for (int k = 0; k < keys.length; k++) {
                OnnxModel.Tensor t = constant(node, node.inputs().get(k + 1), where);
                if (t.values().length != channels) {
                    throw new ModelFormatException(where + ": '" + t.name() + "' has " + t.values().length
                            + " values for " + channels + " channels");
                }
                ArrayNode values = spec.putArray(keys[k]);
                Arrays.stream(t.values()).forEach(values::add);
            }
            // ONNX's epsilon is a float attribute: its exact value as a double
            spec.put("eps", a.containsKey("epsilon") ? (double) a.get("epsilon").f() : (double) 1e-5f);
        }

        /** A constant that broadcasts as one value per channel: a scalar, or [C], [C,1,1], [1,C,1,1] on images. */
        private double[] perChannel(OnnxModel.Tensor t, int channels, double fallback, String where) throws ModelFormatException {
            double[] out = new double[channels];
            if (t == null) {
                Arrays.fill(out, fallback);
                return out;
            }
            long[] d = t.dims();
            int nonUnit = (int) Arrays.stream(d).filter(x -> x != 1).count();
            boolean scalar = t.values().length == 1;
            // A channel vector must sit at the channel axis: third from the end for [C, H, W] values, last for flat ones.
            int axis = d.length - (shape.length == 3 ? 3 : 1);
            boolean vector = nonUnit == 1 && t.values().length == channels && axis >= 0 && d[axis] == channels;
            if (!scalar && !vector) {
                throw new ModelFormatException(where + ": constant '" + t.name() + "' of shape " + Arrays.toString(d)
                        + " is not one value per channel of " + Arrays.toString(shape));
            }
            for (int c = 0; c < channels; c++) {
                out[c] = t.values()[scalar ? 0 : c];
            }
            return out;
        }

        private ObjectNode add(String type) {
            ObjectNode spec = layers.addObject();
            spec.put("type", type);
            return spec;
        }

        private static String second(OnnxModel.Node node, String where) throws ModelFormatException {
            if (node.inputs().size() < 2) {
                throw new ModelFormatException(where + " needs a second input");
            }
            return node.inputs().get(1);
        }

        private OnnxModel.Tensor constant(OnnxModel.Node node, String name, String where) throws ModelFormatException {
            OnnxModel.Tensor t = constants.get(name);
            if (t == null) {
                throw new ModelFormatException(where + ": input '" + name + "' must be a constant (a weight), "
                        + "not computed from the data");
            }
            return t;
        }

        private boolean isBiasAdd(OnnxModel.Node next, String product) {
            return next.opType().equals("Add") && next.inputs().size() == 2 && next.inputs().get(0).equals(product)
                    && constants.containsKey(next.inputs().get(1)) && !next.outputs().isEmpty();
        }
    }
}
