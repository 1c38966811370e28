package io.robustcert.core.train;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.io.Architecture;
import io.robustcert.core.io.ModelFile;
import io.robustcert.core.io.ModelFormatException;
import io.robustcert.core.io.Safetensors;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A network being trained: its architecture, and its parameters as mutable float32 tensors in state-dict
 * order ({@code i.weight}, {@code i.bias}, layer by layer), which the optimizer updates in place. The
 * layers of {@link #network()} give the shapes and the training rules; {@link #snapshot()} freezes the
 * current parameters into an immutable {@link Network} for certification and checkpoints.
 */
public final class TrainableModel {

    private final Architecture architecture;
    private final Network network;
    private final List<String> names = new ArrayList<>();
    private final List<INDArray> parameters = new ArrayList<>();
    private final List<int[]> perLayer = new ArrayList<>();

    private TrainableModel(Architecture architecture, Network network) {
        this.architecture = architecture;
        this.network = network;
        List<Layer> layers = network.layers();
        for (int i = 0; i < layers.size(); i++) {
            Map<String, INDArray> p = layers.get(i).parameters();
            int[] indices = new int[p.size()];
            int k = 0;
            for (Map.Entry<String, INDArray> e : p.entrySet()) {
                indices[k++] = parameters.size();
                names.add(i + "." + e.getKey());
                parameters.add(e.getValue().castTo(DataType.FLOAT).dup('c'));
            }
            perLayer.add(indices);
        }
    }

    /** Starts from a network's weights (rounded to float32). */
    public static TrainableModel of(Network network) {
        try {
            return new TrainableModel(Architecture.parse(Architecture.describe(network.inputShape(), network.layers())),
                    network);
        } catch (ModelFormatException e) {
            throw new IllegalStateException("a network's own architecture does not parse: " + e.getMessage(), e);
        }
    }

    /**
     * PyTorch's default initialisation of Linear and Conv2d: weight and bias uniform in ±1/√fan_in
     * (kaiming_uniform with a = √5 gives exactly this bound), fan_in = inputs per output.
     */
    public static TrainableModel initialized(Architecture architecture, SplittableRandom random) throws ModelFormatException {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        long[] shape = architecture.inputShape();
        for (int i = 0; i < architecture.layers().size(); i++) {
            Architecture.LayerSpec spec = architecture.layers().get(i);
            switch (spec.type()) {
                case "linear" -> {
                    long in = Layer.elements(shape);
                    long out = spec.fields().path("out").asLong();
                    requireBias(spec, i);
                    tensors.put(i + ".weight", uniform(new long[] {out, in}, in, random));
                    tensors.put(i + ".bias", uniform(new long[] {out}, in, random));
                    shape = new long[] {out};
                }
                case "conv2d" -> {
                    long out = spec.fields().path("out").asLong();
                    int k = spec.fields().path("kernel").asInt();
                    int s = spec.fields().path("stride").asInt(1);
                    int p = spec.fields().path("padding").asInt(0);
                    requireBias(spec, i);
                    long fanIn = shape[0] * k * k;
                    tensors.put(i + ".weight", uniform(new long[] {out, shape[0], k, k}, fanIn, random));
                    tensors.put(i + ".bias", uniform(new long[] {out}, fanIn, random));
                    shape = new long[] {out, (shape[1] + 2L * p - k) / s + 1, (shape[2] + 2L * p - k) / s + 1};
                }
                case "flatten" -> shape = new long[] {Layer.elements(shape)};
                default -> { } // relu, normalize: shape unchanged, no parameters
            }
        }
        return new TrainableModel(architecture, ModelFile.build(architecture, tensors));
    }

    private static void requireBias(Architecture.LayerSpec spec, int i) throws ModelFormatException {
        if (!spec.fields().path("bias").asBoolean(true)) {
            throw new ModelFormatException("architecture layer " + i + ": training needs a bias on every affine layer");
        }
    }

    private static Safetensors.Tensor uniform(long[] shape, long fanIn, SplittableRandom random) {
        double bound = 1.0 / Math.sqrt(fanIn);
        double[] values = new double[(int) Layer.elements(shape)];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (bound * (2 * random.nextDouble() - 1));
        }
        return new Safetensors.Tensor("F32", shape, values);
    }

    public Architecture architecture() {
        return architecture;
    }

    /** The layer structure (shapes, training rules); its stored weights are the starting point only. */
    public Network network() {
        return network;
    }

    /** The trained tensors, updated in place by the optimizer. */
    public List<INDArray> parameters() {
        return parameters;
    }

    /** State-dict names, parallel to {@link #parameters()}. */
    public List<String> names() {
        return names;
    }

    /** Per layer, the tape values of its parameters, drawn from {@code flat} (parallel to {@link #parameters()}). */
    public List<List<Var>> perLayer(List<Var> flat) {
        List<List<Var>> out = new ArrayList<>();
        for (int[] indices : perLayer) {
            List<Var> vars = new ArrayList<>();
            for (int k : indices) {
                vars.add(flat.get(k));
            }
            out.add(vars);
        }
        return out;
    }

    /** Tape values of {@code values} (parallel to {@link #parameters()}): tracked parameters or constants. */
    public static List<Var> onTape(Tape tape, List<INDArray> values, boolean tracked) {
        List<Var> vars = new ArrayList<>();
        for (INDArray v : values) {
            vars.add(tracked ? tape.parameter(v) : tape.constant(v));
        }
        return vars;
    }

    /** An immutable network holding the current parameters exactly (float32 values as float64). */
    public Network snapshot() {
        Map<String, Safetensors.Tensor> tensors = new LinkedHashMap<>();
        for (int i = 0; i < parameters.size(); i++) {
            INDArray p = parameters.get(i);
            tensors.put(names.get(i), new Safetensors.Tensor("F32", p.shape(), p.castTo(DataType.DOUBLE).data().asDouble()));
        }
        try {
            return ModelFile.build(architecture, tensors);
        } catch (ModelFormatException e) {
            throw new IllegalStateException("training produced an invalid model: " + e.getMessage(), e);
        }
    }

    /** Replaces every parameter's values (same shapes), e.g. from a checkpoint. */
    public void load(List<INDArray> values) {
        if (values.size() != parameters.size()) {
            throw new IllegalArgumentException(values.size() + " tensors for " + parameters.size() + " parameters");
        }
        for (int i = 0; i < values.size(); i++) {
            parameters.get(i).assign(values.get(i).castTo(DataType.FLOAT));
        }
    }

    /** Copies of the parameters (for smoothness probes and tests). */
    public List<INDArray> copyParameters() {
        List<INDArray> out = new ArrayList<>();
        for (INDArray p : parameters) {
            out.add(p.dup('c'));
        }
        return out;
    }
}
