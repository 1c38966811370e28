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

/** Reshape of each example to a vector, in C·H·W order (as torch.flatten). Exact in every rule. */
public final class Flatten implements Layer {

    private final long[] inputShape;
    private final long size;

    public Flatten(long[] inputShape) {
        this.inputShape = inputShape.clone();
        this.size = Layer.elements(inputShape);
    }

    @Override
    public String type() {
        return "flatten";
    }

    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    @Override
    public long[] outputShape() {
        return new long[] {size};
    }

    @Override
    public INDArray forward(INDArray input, Precision precision) {
        return input.reshape('c', input.size(0), size);
    }

    @Override
    public INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision) {
        return outputGradient.castTo(precision.dataType()).reshape('c', AffineLayer.withBatch(input.size(0), inputShape));
    }

    @Override
    public IntervalBounds interval(IntervalBounds in, Precision precision) {
        return in.reshape(in.batchSize(), size);
    }

    @Override
    public LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context) {
        long[] shape = new long[inputShape.length + 1];
        shape[0] = bound.coefficients().size(0);
        System.arraycopy(inputShape, 0, shape, 1, inputShape.length);
        return bound.withCoefficients(bound.coefficients().reshape('c', shape), bound.bias());
    }

    // ---- training rules: reshapes ----

    @Override
    public Var forward(Tape tape, Var input, List<Var> parameters) {
        return tape.reshape(input, input.size(0), size);
    }

    @Override
    public VarBounds interval(Tape tape, VarBounds in, List<Var> parameters) {
        long batch = in.lower().size(0);
        return new VarBounds(tape.reshape(in.lower(), batch, size), tape.reshape(in.upper(), batch, size));
    }

    @Override
    public VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes,
                                   int reluIndex, List<Var> parameters) {
        Var lambda = bound.coefficients();
        return bound.with(tape.reshape(lambda, AffineLayer.withBatch(lambda.size(0), inputShape)), bound.bias());
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Object> describe() {
        return Map.of("type", type());
    }
}
