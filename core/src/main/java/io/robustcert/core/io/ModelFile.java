package io.robustcert.core.io;

import io.robustcert.core.layer.BatchNorm;
import io.robustcert.core.layer.Conv2d;
import io.robustcert.core.layer.Flatten;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.layer.Normalize;
import io.robustcert.core.layer.Relu;
import io.robustcert.core.model.Network;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The model format: one safetensors file whose tensors are named and laid out as PyTorch's
 * {@code nn.Sequential} state dict ({@code i.weight}, {@code i.bias}), with the architecture JSON
 * ({@link Architecture}) and the provenance JSON in {@code __metadata__} under {@value #ARCHITECTURE_KEY}
 * and {@value #PROVENANCE_KEY}. A file without architecture metadata loads when the architecture is
 * supplied separately.
 */
public final class ModelFile {

    public static final String ARCHITECTURE_KEY = "architecture";
    public static final String PROVENANCE_KEY = "provenance";
    /** Default cap on a model file's size. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;

    /** A loaded model and the file's metadata. */
    public record Loaded(Network network, Map<String, String> metadata) {
    }

    private ModelFile() {
    }

    /**
     * @param architectureJson the architecture, or null to take it from the file's metadata
     */
    public static Loaded read(InputStream in, long maxBytes, String architectureJson) throws ModelFormatException, IOException {
        Safetensors.Contents contents = Safetensors.read(in, maxBytes);
        String json = architectureJson != null ? architectureJson : contents.metadata().get(ARCHITECTURE_KEY);
        if (json == null) {
            throw new ModelFormatException("model file has no architecture in its metadata; supply one separately (--arch)");
        }
        return new Loaded(build(Architecture.parse(json), contents.tensors()), contents.metadata());
    }

    /** The formats a model arrives in: the core's own file, or an ONNX graph ({@link OnnxImport}). */
    public enum Format {
        SAFETENSORS, ONNX
    }

    /**
     * A model in either format. An ONNX graph is its own architecture, so {@code architectureJson} must then
     * be null; its metadata is empty.
     */
    public static Loaded read(InputStream in, long maxBytes, String architectureJson, Format format)
            throws ModelFormatException, IOException {
        if (format == Format.SAFETENSORS) {
            return read(in, maxBytes, architectureJson);
        }
        if (architectureJson != null) {
            throw new ModelFormatException("architecture does not apply to an ONNX model: its graph is the architecture");
        }
        return new Loaded(OnnxImport.read(in, maxBytes).network(), Map.of());
    }

    /** Builds the network an architecture describes from a state dict, checking every tensor against it. */
    public static Network build(Architecture architecture, Map<String, Safetensors.Tensor> tensors) throws ModelFormatException {
        for (Map.Entry<String, Safetensors.Tensor> t : tensors.entrySet()) {
            for (double v : t.getValue().values()) {
                if (!Double.isFinite(v)) {
                    throw new ModelFormatException("tensor '" + t.getKey() + "' contains NaN or infinite values");
                }
            }
        }
        Set<String> unused = new LinkedHashSet<>(tensors.keySet());
        List<Layer> layers = new ArrayList<>();
        long[] shape = architecture.inputShape();
        for (int i = 0; i < architecture.layers().size(); i++) {
            Architecture.LayerSpec spec = architecture.layers().get(i);
            Layer layer = buildLayer(i, spec, shape, tensors, unused);
            layers.add(layer);
            shape = layer.outputShape();
        }
        if (!unused.isEmpty()) {
            throw new ModelFormatException("tensors not used by the architecture: " + String.join(", ", unused));
        }
        try {
            return Network.sequential(architecture.inputShape(), layers);
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException("architecture: " + e.getMessage());
        }
    }

    private static Layer buildLayer(int i, Architecture.LayerSpec spec, long[] shape, Map<String, Safetensors.Tensor> tensors,
                                    Set<String> unused) throws ModelFormatException {
        String where = "architecture layer " + i + " (" + spec.type() + ")";
        try {
            switch (spec.type()) {
                case "linear" -> {
                    allowKeys(spec, i, "out", "bias");
                    int out = positive(spec.integer("out", Integer.MIN_VALUE, i), where, "out");
                    if (shape.length != 1) {
                        throw new ModelFormatException(where + " needs a flat input but receives "
                                + Arrays.toString(shape) + " (add a flatten layer before it)");
                    }
                    INDArray w = tensor(tensors, unused, i + ".weight", new long[] {out, shape[0]}, where);
                    INDArray b = bias(tensors, unused, i, out, spec.flag("bias", true, i), where);
                    return new Linear(shape, w, b);
                }
                case "conv2d" -> {
                    allowKeys(spec, i, "out", "kernel", "stride", "padding", "bias");
                    int out = positive(spec.integer("out", Integer.MIN_VALUE, i), where, "out");
                    int kernel = positive(spec.integer("kernel", Integer.MIN_VALUE, i), where, "kernel");
                    int stride = positive(spec.integer("stride", 1, i), where, "stride");
                    int padding = spec.integer("padding", 0, i);
                    if (padding < 0) {
                        throw new ModelFormatException(where + ": padding must be ≥ 0, got " + padding);
                    }
                    if (shape.length != 3) {
                        throw new ModelFormatException(where + " needs a [C, H, W] input but receives " + Arrays.toString(shape));
                    }
                    INDArray w = tensor(tensors, unused, i + ".weight", new long[] {out, shape[0], kernel, kernel}, where);
                    INDArray b = bias(tensors, unused, i, out, spec.flag("bias", true, i), where);
                    return new Conv2d(shape, w, b, stride, padding);
                }
                case "relu" -> {
                    allowKeys(spec, i);
                    return new Relu(shape);
                }
                case "flatten" -> {
                    allowKeys(spec, i);
                    return new Flatten(shape);
                }
                case "normalize" -> {
                    allowKeys(spec, i, "mean", "std");
                    return new Normalize(shape, spec.numbers("mean", i), spec.numbers("std", i));
                }
                case "batchnorm" -> {
                    allowKeys(spec, i, "gamma", "beta", "mean", "var", "eps");
                    return new BatchNorm(shape, spec.numbers("gamma", i), spec.numbers("beta", i), spec.numbers("mean", i),
                            spec.numbers("var", i), spec.number("eps", BatchNorm.DEFAULT_EPS, i));
                }
                default -> throw new ModelFormatException(where + ": unknown layer type '" + spec.type()
                        + "' (known: linear, conv2d, relu, flatten, normalize, batchnorm)");
            }
        } catch (IllegalArgumentException e) {
            throw new ModelFormatException(where + ": " + e.getMessage());
        }
    }

    private static int positive(int v, String where, String key) throws ModelFormatException {
        if (v < 1) {
            throw new ModelFormatException(where + ": " + key + " must be ≥ 1, got " + v);
        }
        return v;
    }

    private static void allowKeys(Architecture.LayerSpec spec, int i, String... keys) throws ModelFormatException {
        Set<String> allowed = new LinkedHashSet<>(List.of(keys));
        allowed.add("type");
        for (var it = spec.fields().fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!allowed.contains(key)) {
                throw new ModelFormatException("architecture layer " + i + " (" + spec.type() + "): unknown key '" + key + "'");
            }
        }
    }

    private static INDArray tensor(Map<String, Safetensors.Tensor> tensors, Set<String> unused, String name, long[] shape,
                                   String where) throws ModelFormatException {
        Safetensors.Tensor t = tensors.get(name);
        if (t == null) {
            throw new ModelFormatException(where + " needs tensor '" + name + "' of shape " + Arrays.toString(shape)
                    + ", which the file does not have");
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException("tensor '" + name + "' has shape " + Arrays.toString(t.shape()) + " but "
                    + where + " needs " + Arrays.toString(shape));
        }
        unused.remove(name);
        return Nd4j.create(t.values(), shape, 'c');
    }

    private static INDArray bias(Map<String, Safetensors.Tensor> tensors, Set<String> unused, int i, int out,
                                 boolean present, String where) throws ModelFormatException {
        if (!present) {
            return Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.DOUBLE, out);
        }
        return tensor(tensors, unused, i + ".bias", new long[] {out}, where);
    }

    /**
     * Writes a network as float32 tensors with its architecture and the given provenance JSON. Refuses
     * weights that float32 cannot hold exactly: the file would describe a different network.
     */
    public static void write(Network network, String provenanceJson, OutputStream out) throws IOException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        List<Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            for (Map.Entry<String, INDArray> p : layers.get(i).parameters().entrySet()) {
                double[] values = p.getValue().dup('c').data().asDouble();
                for (double v : values) {
                    if ((double) (float) v != v) {
                        throw new IllegalArgumentException("parameter " + i + "." + p.getKey()
                                + " holds a value float32 cannot represent exactly: " + v);
                    }
                }
                tensors.put(i + "." + p.getKey(), new Safetensors.Tensor("F32", p.getValue().shape(), values));
            }
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ARCHITECTURE_KEY, Architecture.describe(network.inputShape(), layers));
        if (provenanceJson != null) {
            metadata.put(PROVENANCE_KEY, provenanceJson);
        }
        Safetensors.writeF32(out, tensors, metadata);
    }
}
