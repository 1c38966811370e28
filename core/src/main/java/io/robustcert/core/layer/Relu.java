package io.robustcert.core.layer;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.autodiff.VarBounds;
import io.robustcert.core.autodiff.VarLinearBound;
import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.relax.ReluRelaxation;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
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

    /** Passes the gradient where the input is > 0; at 0 the derivative is taken as 0 (as PyTorch does). */
    @Override
    public INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision) {
        var type = precision.dataType();
        INDArray x = input.castTo(type);
        return x.gt(0.0).castTo(type).muli(outputGradient.castTo(type).reshape('c', x.shape()));
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

        // The incoming coefficients belong to this backward pass alone, so they are reused in place:
        // one full-size temporary (Λ⁻) instead of three. Λ − min(Λ, 0) = max(Λ, 0) exactly.
        INDArray lambda = bound.coefficients3d();
        INDArray negative = Transforms.min(lambda, 0.0, true);
        INDArray interceptTerm = Nd4j.matmul(negative, t.reshape('c', batch, n, 1)).reshape(batch * bound.rows());
        INDArray newLambda = lambda.subi(negative).muli(a).addi(negative.muli(d));
        INDArray newCoefficients = newLambda.reshape('c', bound.coefficients().shape());
        if (!precision.sound()) {
            return bound.withCoefficients(newCoefficients, bound.bias().add(interceptTerm));
        }
        // Every term of Σ Λ⁻·t is ≤ 0, so |computed sum| is exactly the computed sum of |terms| (rounding
        // to nearest is symmetric): the sum of absolute products the error bound needs.
        INDArray interceptLower = SoundArithmetic.lowerBound(interceptTerm,
                SoundArithmetic.errorBound(Transforms.abs(interceptTerm, true), n));
        INDArray slack = AffineLayer.roundingSlack(bound, Transforms.abs(newCoefficients, true), inputBounds, 1);
        return bound.withCoefficients(newCoefficients, SoundArithmetic.sumDown(bound.bias(), interceptLower, slack.negi()));
    }

    // ---- training rules ----

    @Override
    public Var forward(Tape tape, Var input, List<Var> parameters) {
        return tape.positivePart(input);
    }

    @Override
    public VarBounds interval(Tape tape, VarBounds in, List<Var> parameters) {
        return new VarBounds(tape.positivePart(in.lower()), tape.positivePart(in.upper()));
    }

    /**
     * The relaxation as the training code of method.md §3.1 writes it, differentiable in l and u:
     * l⁻ = min(l, 0), u⁺ = max(max(u, 0), l⁻ + 1e-8), d = u⁺/(u⁺ − l⁻), t = −l⁻·d; then Λ' = d·Λ⁻ + a·Λ⁺
     * and the bias gains Σ Λ⁻·t. Lower slopes come from {@code slopes} on unstable neurons and are exact
     * (1 / 0) on stable ones.
     */
    @Override
    public VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes,
                                   int reluIndex, List<Var> parameters) {
        long batch = bound.batch();
        long n = Layer.elements(shape);
        Var l = tape.reshape(inputBounds.lower(), batch, n);
        Var u = tape.reshape(inputBounds.upper(), batch, n);
        Var lMinus = tape.negativePart(l);
        Var uPlus = tape.maximum(tape.positivePart(u), tape.shift(lMinus, 1e-8));
        Var d = tape.div(uPlus, tape.sub(uPlus, lMinus));
        Var t = tape.scale(tape.mul(lMinus, d), -1.0);
        var type = tape.dataType();
        INDArray unstable = l.value().lt(0.0).castTo(type).muli(u.value().gt(0.0).castTo(type));
        INDArray active = l.value().gte(0.0).castTo(type);
        Var a = tape.add(tape.mul(slopes.lowerSlopes(tape, reluIndex, l, u, d), tape.constant(unstable)),
                tape.constant(active));
        Var lambda = bound.coefficients();
        INDArray l3 = lambda.value().reshape('c', batch, lambda.value().length() / (batch * n), n);
        INDArray negative = Transforms.step(l3.neg(), false); // 1 where Λ < 0: both operations below use it
        return bound.with(substituteCoefficients(tape, lambda, l3, negative, d, a, batch, n),
                tape.add(bound.bias(), interceptTerm(tape, lambda, l3, negative, t, batch, n)));
    }

    /**
     * Λ' = d·Λ⁻ + a·Λ⁺ as one operation: per element the slope S = a + [Λ &lt; 0]·(d − a), so Λ' = Λ·S,
     * ∂/∂Λ = G·S, ∂/∂d = Σ_rows G·Λ·[Λ &lt; 0], ∂/∂a = Σ_rows G·Λ − ∂/∂d. Two full-size temporaries where the
     * composition of element-wise operations made about ten: these tensors are [batch·rows, neurons], the
     * largest of a CROWN-IBP training step.
     */
    private static Var substituteCoefficients(Tape tape, Var lambda, INDArray l3, INDArray negative, Var d, Var a,
                                              long batch, long n) {
        INDArray d3 = d.value().reshape('c', batch, 1, n);
        INDArray a3 = a.value().reshape('c', batch, 1, n);
        INDArray slope = negative.mul(d3.sub(a3)).addi(a3);
        INDArray value = l3.mul(slope).reshape('c', lambda.shape());
        return tape.custom(value, (g, need) -> {
            INDArray g3 = g.reshape('c', l3.shape());
            INDArray dLambda = need[0] ? g3.mul(slope) : null;
            INDArray dd = null;
            INDArray da = null;
            if (need[1] || need[2]) {
                INDArray p = g3.mul(l3);
                INDArray total = p.sum(1);
                dd = p.muli(negative).sum(1);
                da = total.subi(dd);
            }
            return new INDArray[] {dLambda, dd, da};
        }, lambda, d, a);
    }

    /** Σ_neurons Λ⁻·t per row, {@code [batch·rows]}; {@code negative} is 1 where Λ &lt; 0. */
    private static Var interceptTerm(Tape tape, Var lambda, INDArray l3, INDArray negative, Var t, long batch, long n) {
        INDArray lambdaMinus = l3.mul(negative);
        INDArray t3 = t.value().reshape('c', batch, n, 1);
        INDArray value = Nd4j.matmul(lambdaMinus, t3).reshape('c', new long[] {l3.size(0) * l3.size(1)});
        return tape.custom(value, (g, need) -> {
            INDArray g3 = g.reshape('c', l3.size(0), l3.size(1), 1);
            INDArray dLambda = need[0]
                    ? Nd4j.matmul(g3, t3.reshape('c', batch, 1, n)).muli(negative) : null;
            INDArray dt = need[1] ? Nd4j.matmul(g3, lambdaMinus, true, false, false) : null;
            return new INDArray[] {dLambda, dt};
        }, lambda, t);
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
