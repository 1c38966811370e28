package io.robustcert.core.model;

import io.robustcert.core.layer.Layer;
import io.robustcert.core.layer.Linear;
import io.robustcert.core.layer.Relu;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A classifier as a graph of layers. Today every node reads the previous node's output (a chain, as
 * every model in the method spec is); {@link Node#inputs()} is kept so that branching graphs can be
 * added without changing the file format or the bound engines' walk in topological order.
 */
public final class Network {

    /** A layer and the indices of the nodes it reads (-1: the network input). */
    public record Node(Layer layer, int[] inputs) {
    }

    private final long[] inputShape;
    private final List<Node> nodes;

    private Network(long[] inputShape, List<Node> nodes) {
        this.inputShape = inputShape.clone();
        this.nodes = List.copyOf(nodes);
    }

    /** A chain of layers; each must have been built for its predecessor's output shape. */
    public static Network sequential(long[] inputShape, List<Layer> layers) {
        if (layers.isEmpty()) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        List<Node> nodes = new ArrayList<>();
        long[] shape = inputShape;
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            if (!Arrays.equals(layer.inputShape(), shape)) {
                throw new IllegalArgumentException("layer " + i + " (" + layer.type() + ") expects input "
                        + Arrays.toString(layer.inputShape()) + " but receives " + Arrays.toString(shape));
            }
            nodes.add(new Node(layer, new int[] {i - 1}));
            shape = layer.outputShape();
        }
        if (!(layers.get(layers.size() - 1) instanceof Linear)) {
            throw new IllegalArgumentException("the last layer must be linear (the specification is folded into it), got "
                    + layers.get(layers.size() - 1).type());
        }
        return new Network(inputShape, nodes);
    }

    public long[] inputShape() {
        return inputShape.clone();
    }

    public long inputSize() {
        return Layer.elements(inputShape);
    }

    public int numClasses() {
        return (int) output().outFeatures();
    }

    public List<Layer> layers() {
        return nodes.stream().map(Node::layer).toList();
    }

    public List<Node> nodes() {
        return nodes;
    }

    public Layer layer(int i) {
        return nodes.get(i).layer();
    }

    public int size() {
        return nodes.size();
    }

    /** The final fully-connected layer, into which specifications are folded. */
    public Linear output() {
        return (Linear) nodes.get(nodes.size() - 1).layer();
    }

    /** For each layer, its ordinal among ReLU layers, or -1. */
    public int[] reluOrdinals() {
        int[] ordinals = new int[nodes.size()];
        int next = 0;
        for (int i = 0; i < nodes.size(); i++) {
            ordinals[i] = nodes.get(i).layer() instanceof Relu ? next++ : -1;
        }
        return ordinals;
    }

    public long parameterCount() {
        return layers().stream().flatMap(l -> l.parameters().values().stream()).mapToLong(INDArray::length).sum();
    }

    /** Logits {@code [B, K]} for inputs {@code [B, ...inputShape]} or {@code [B, inputSize]}. */
    public INDArray forward(INDArray inputs, Precision precision) {
        return Workspaces.compute(() -> {
            INDArray x = batched(inputs.castTo(precision.dataType()));
            for (Node node : nodes) {
                x = node.layer().forward(x, precision);
            }
            return x.detach();
        });
    }

    /**
     * Logits and the input gradient of a per-example scalar loss, outside any workspace.
     *
     * @param logits   {@code [B, K]} in the precision's data type
     * @param gradient {@code [B, ...inputShape]}: ∂loss_b/∂x_b for each example b
     */
    public record LogitsAndGradient(INDArray logits, INDArray gradient) {
    }

    /**
     * One forward pass that keeps every layer's input, then the vector-Jacobian products back to the
     * input (reverse mode). The loss is given by its gradient on the logits: {@code logitGradient} receives
     * the logits {@code [B, K]} (inside the bound workspace: read them, do not keep them) and returns
     * ∂loss_b/∂z_b, {@code [B, K]}, for each example. Both results are detached.
     */
    public LogitsAndGradient logitsAndGradient(INDArray inputs, UnaryOperator<INDArray> logitGradient,
                                               Precision precision) {
        return Workspaces.compute(() -> {
            INDArray x = batched(inputs.castTo(precision.dataType()));
            long batch = x.size(0);
            List<INDArray> layerInputs = new ArrayList<>(nodes.size());
            for (Node node : nodes) {
                layerInputs.add(x);
                x = node.layer().forward(x, precision);
            }
            INDArray logits = x;
            INDArray g = logitGradient.apply(logits);
            if (g == null || g.rank() != 2 || g.size(0) != batch || g.size(1) != logits.size(1)) {
                throw new IllegalArgumentException("the logit gradient must be [" + batch + ", " + logits.size(1)
                        + "], got " + (g == null ? "null" : Arrays.toString(g.shape())));
            }
            g = g.castTo(precision.dataType());
            for (int i = nodes.size() - 1; i >= 0; i--) {
                g = nodes.get(i).layer().inputGradient(layerInputs.get(i), g, precision);
            }
            return new LogitsAndGradient(logits.detach(), batched(g).detach());
        });
    }

    /** Reshape {@code [B, ...]} to {@code [B, ...inputShape]}. */
    public INDArray batched(INDArray inputs) {
        long[] shape = new long[inputShape.length + 1];
        shape[0] = inputs.size(0);
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        if (inputs.length() != shape[0] * inputSize()) {
            throw new IllegalArgumentException("inputs have " + inputs.length() / Math.max(1, shape[0])
                    + " values per example, the network takes " + inputSize());
        }
        return inputs.reshape('c', shape);
    }
}
