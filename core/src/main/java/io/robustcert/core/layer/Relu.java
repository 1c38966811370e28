package io.robustcert.core.layer;

import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.relax.ReluRelaxation;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/** Element-wise ReLU. */
public final class Relu implements Layer {

    private final long[] shape;

    public Relu(long[] inputShape) {
        this.shape = inputShape.clone();
    }

    @Override
    public String type() {
        return "relu";
    }

    @Override
    public long[] inputShape() {
        return shape.clone();
    }

    @Override
    public long[] outputShape() {
        return shape.clone();
    }

    @Override
    public INDArray forward(INDArray input, Precision precision) {
        return Transforms.max(input, 0.0, true);
    }

    /** Monotone and exact in floating point: [max(l, 0), max(u, 0)]. */
    @Override
    public IntervalBounds interval(IntervalBounds in, Precision precision) {
        return new IntervalBounds(Transforms.max(in.lower(), 0.0, true), Transforms.max(in.upper(), 0.0, true));
    }

    /**
     * With Λ = Λ⁺ + Λ⁻: Λ⁺·ReLU(z) ≥ Λ⁺·a·z and Λ⁻·ReLU(z) ≥ Λ⁻·(d·z + t), so the new coefficients are
     * a·Λ⁺ + d·Λ⁻ and the bias gains Σ Λ⁻·t (method.md §3.2). Slopes are per example and neuron,
     * shared by all specification rows.
     *
     * <p>Sound mode: each new coefficient is one rounded product (Λ⁺ and Λ⁻ have disjoint support), off
     * by at most u·|result|, which costs at most that times max(|l|,|u|) over the box; Σ Λ⁻·t is a
     * dot product of length n.
     */
    @Override
    public LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context) {
        Precision precision = context.precision();
        long batch = bound.batch();
        long n = bound.width();
        INDArray l = inputBounds.lower().reshape('c', batch, n);
        INDArray u = inputBounds.upper().reshape('c', batch, n);
        ReluRelaxation relaxation = ReluRelaxation.of(l, u, precision);
        INDArray a = relaxation.lowerSlopes(context.slopeRule(), context.reluIndex()).reshape('c', batch, 1, n);
        INDArray d = relaxation.upperSlope().reshape('c', batch, 1, n);
        INDArray t = relaxation.upperIntercept().reshape('c', batch, 1, n);

        INDArray lambda = bound.coefficients3d();
        INDArray positive = Transforms.max(lambda, 0.0, true);
        INDArray negative = lambda.sub(positive);
        INDArray interceptTerm = negative.mul(t).sum(2).reshape(batch * bound.rows());
        INDArray newLambda = positive.muli(a).addi(negative.muli(d));
        INDArray newCoefficients = newLambda.reshape('c', bound.coefficients().shape());
        if (!precision.sound()) {
            return bound.withCoefficients(newCoefficients, bound.bias().add(interceptTerm));
        }
        INDArray interceptAbs = Transforms.abs(lambda.sub(Transforms.max(lambda, 0.0, true)), false).muli(t)
                .sum(2).reshape(batch * bound.rows());
        INDArray interceptLower = SoundArithmetic.lowerBound(interceptTerm, SoundArithmetic.errorBound(interceptAbs, n));
        INDArray productError = SoundArithmetic.errorBound(Transforms.abs(newCoefficients, true), 1);
        INDArray slack = AffineLayer.magnitudeProduct(bound, productError, inputBounds);
        return bound.withCoefficients(newCoefficients, SoundArithmetic.sumDown(bound.bias(), interceptLower, slack.negi()));
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
