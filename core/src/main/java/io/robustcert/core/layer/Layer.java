package io.robustcert.core.layer;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.autodiff.VarBounds;
import io.robustcert.core.autodiff.VarLinearBound;
import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * One layer kind: its forward pass, its interval rule and its backward linear-relaxation rule.
 *
 * <p>Tensors are batched: {@code [B, ...shape]}, float32 in fast mode and float64 in sound mode.
 * Adding a layer kind means one new implementation of this interface plus its case in
 * {@link io.robustcert.core.io.ModelFile}, which maps the architecture JSON's types to classes.
 */
public interface Layer {

    /** The kind's name in the architecture JSON ("linear", "conv2d", ...). */
    String type();

    /** Per-example input shape this layer was built for. */
    long[] inputShape();

    /** Per-example output shape. */
    long[] outputShape();

    INDArray forward(INDArray input, Precision precision);

    /** Bounds of the output over a box on the input. Sound mode: the result contains every exact output. */
    IntervalBounds interval(IntervalBounds input, Precision precision);

    /**
     * Back-substitution through the layer: given a linear lower bound in terms of this layer's output,
     * return one in terms of its input that is valid whenever the input lies in {@code inputBounds}.
     */
    LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context);

    /**
     * The vector-Jacobian product with respect to the layer's input, at {@code input}, batched: for
     * each example, g ↦ gᵀ·∂forward(x)/∂x. {@code input} is {@code [B, ...inputShape]} and
     * {@code outputGradient} has B rows of the output's size (any shape); the result is
     * {@code [B, ...inputShape]}, in the precision's data type. Where the layer is not differentiable
     * (ReLU at 0) the rule picks a one-sided derivative and says which. Plain floating point in both
     * modes: gradients steer attacks and never enter a sound result.
     */
    INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision);

    // Training rules: the same maps on a Tape, differentiable, with the trained parameters as tape values
    // (in parameters() order) instead of the stored float64 weights. Plain floating point, never sound.

    /** The forward pass on the tape. */
    Var forward(Tape tape, Var input, List<Var> parameters);

    /** IBP on the tape (method.md §2: centre and radius through affine maps). */
    VarBounds interval(Tape tape, VarBounds input, List<Var> parameters);

    /**
     * Back-substitution of a lower bound on the tape (method.md §3.2), with the intermediate bounds of
     * the layer's input from the IBP pass; ReLU layers ask {@code slopes} for their lower slopes.
     */
    VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes, int reluIndex,
                            List<Var> parameters);

    /** Parameters by their suffix in the state dict ("weight", "bias"), as float64, PyTorch layouts. */
    Map<String, INDArray> parameters();

    /** The layer's entry in the architecture JSON, without its parameters' values. */
    Map<String, Object> describe();

    static long elements(long[] shape) {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}
