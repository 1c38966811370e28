package io.robustcert.core.layer;

import io.robustcert.core.autodiff.SlopeChoice;
import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.autodiff.VarBounds;
import io.robustcert.core.autodiff.VarLinearBound;
import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import io.robustcert.core.tensor.Workspaces;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * An affine layer y = A(x) + b (fully-connected or convolution). Subclasses supply the linear map and
 * its adjoint for a given weight tensor; this class owns the interval and back-substitution rules, in
 * fast and in sound arithmetic, once for every affine kind.
 */
public abstract class AffineLayer implements Layer {

    /**
     * The weight tensors each rule needs: W, |W|, max(W,0), min(W,0), and SIGNED: max(W,0) and min(W,0)
     * stacked along the output dimension (twice the outputs), so one map of an input gives both products.
     */
    protected enum WeightForm { PLAIN, ABS, POSITIVE, NEGATIVE, SIGNED }

    private final INDArray weight;
    private final INDArray bias;
    private final Map<Precision, Map<WeightForm, INDArray>> weightCache = new EnumMap<>(Precision.class);
    private final Map<Precision, INDArray[]> biasCache = new EnumMap<>(Precision.class);

    /** @param weight float64, PyTorch layout; @param bias float64 {@code [out]} */
    protected AffineLayer(INDArray weight, INDArray bias) {
        this.weight = weight;
        this.bias = bias;
    }

    /** y = A_w(x) (+ bias when non-null), batched. */
    protected abstract INDArray apply(INDArray input, INDArray weightForm, INDArray biasOrNull, Precision precision);

    /** Λ ↦ Λ·A_w for rows {@code [N, ...out]} → {@code [N, ...in]}. */
    protected abstract INDArray adjoint(INDArray lambda, INDArray weightForm, Precision precision);

    /** Per row, ⟨Λ, b broadcast over the output⟩ → {@code [N]}. */
    protected abstract INDArray biasDot(INDArray lambda, INDArray biasForm);

    /** Terms in each output's dot product of the forward map. */
    protected abstract long forwardDotLength();

    /** An upper bound on the rounding chain of each adjoint output (terms plus extra additions). */
    protected abstract long adjointDotLength();

    /** An upper bound on the rounding chain of each {@link #biasDot}. */
    protected abstract long biasDotLength();

    protected final synchronized INDArray weight(WeightForm form, Precision precision) {
        return weightCache.computeIfAbsent(precision, p -> new EnumMap<>(WeightForm.class))
                .computeIfAbsent(form, f -> Workspaces.persistent(() -> {
                    INDArray w = weight.castTo(precision.dataType());
                    return switch (f) {
                        case PLAIN -> w;
                        case ABS -> Transforms.abs(w, true);
                        case POSITIVE -> Transforms.max(w, 0.0, true);
                        case NEGATIVE -> Transforms.min(w, 0.0, true);
                        case SIGNED -> Nd4j.concat(0, Transforms.max(w, 0.0, true), Transforms.min(w, 0.0, true));
                    };
                }));
    }

    /** {@code [b, |b|]} in the precision's data type. */
    protected final synchronized INDArray[] biases(Precision precision) {
        return biasCache.computeIfAbsent(precision, p -> Workspaces.persistent(() -> {
            INDArray b = bias.castTo(p.dataType());
            return new INDArray[] {b, Transforms.abs(b, true)};
        }));
    }

    public INDArray weight() {
        return weight;
    }

    public INDArray bias() {
        return bias;
    }

    @Override
    public INDArray forward(INDArray input, Precision precision) {
        return apply(input, weight(WeightForm.PLAIN, precision), biases(precision)[0], precision);
    }

    /** The adjoint of the linear part, whatever the input (the bias does not depend on it). */
    @Override
    public INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision) {
        INDArray g = outputGradient.castTo(precision.dataType());
        return adjoint(g, weight(WeightForm.PLAIN, precision), precision).reshape('c', withBatch(input.size(0), inputShape()));
    }

    /** {@code [batch, ...shape]}. */
    static long[] withBatch(long batch, long[] shape) {
        long[] s = new long[shape.length + 1];
        s[0] = batch;
        System.arraycopy(shape, 0, s, 1, shape.length);
        return s;
    }

    @Override
    public IntervalBounds interval(IntervalBounds in, Precision precision) {
        INDArray b = biases(precision)[0];
        if (!precision.sound()) {
            INDArray centre = in.lower().add(in.upper()).muli(0.5);
            INDArray radius = in.upper().sub(in.lower()).muli(0.5);
            INDArray c = apply(centre, weight(WeightForm.PLAIN, precision), b, precision);
            INDArray r = apply(radius, weight(WeightForm.ABS, precision), null, precision);
            return new IntervalBounds(c.sub(r), c.addi(r));
        }
        // lower = W⁺l + W⁻u + b, upper = W⁺u + W⁻l + b: two dot products of length n and the bias. The stacked
        // [W⁺; W⁻] maps l and u once each (one im2col per end for a convolution instead of two).
        INDArray signed = weight(WeightForm.SIGNED, precision);
        INDArray ofLower = apply(in.lower(), signed, null, precision);
        INDArray ofUpper = apply(in.upper(), signed, null, precision);
        long outputs = ofLower.size(1) / 2;
        INDArray lower = positivePart(ofLower, outputs).add(negativePart(ofUpper, outputs));
        INDArray upper = positivePart(ofUpper, outputs).add(negativePart(ofLower, outputs));
        lower = addBias(lower, b);
        upper = addBias(upper, b);
        // Σ|W⁺||l| + |W⁻||u| + |b| ≤ |W|·max(|l|,|u|) + |b|, for both ends.
        INDArray absSums = apply(in.magnitude(), weight(WeightForm.ABS, precision), biases(precision)[1], precision);
        INDArray error = SoundArithmetic.errorBound(absSums, forwardDotLength() + 2);
        return new IntervalBounds(SoundArithmetic.lowerBound(lower, error), SoundArithmetic.upperBound(upper, error));
    }

    /** The first {@code outputs} channels (features) of a stacked map's result: the W⁺ products. */
    private static INDArray positivePart(INDArray stacked, long outputs) {
        return stacked.get(NDArrayIndex.all(), NDArrayIndex.interval(0, outputs));
    }

    /** The last {@code outputs} channels (features) of a stacked map's result: the W⁻ products. */
    private static INDArray negativePart(INDArray stacked, long outputs) {
        return stacked.get(NDArrayIndex.all(), NDArrayIndex.interval(outputs, 2 * outputs));
    }

    /** y + b with b broadcast over every dimension after the outputs' (channels or features). */
    private static INDArray addBias(INDArray y, INDArray b) {
        long[] shape = new long[y.rank()];
        java.util.Arrays.fill(shape, 1);
        shape[1] = b.length();
        return y.addi(b.reshape(shape));
    }

    @Override
    public LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context) {
        Precision precision = context.precision();
        INDArray lambda = bound.coefficients();
        INDArray newLambda = adjoint(lambda, weight(WeightForm.PLAIN, precision), precision);
        INDArray biasTerm = biasDot(lambda, biases(precision)[0]);
        if (!precision.sound()) {
            return bound.withCoefficients(newLambda, bound.bias().add(biasTerm));
        }
        // Stored Λ' = fl(ΛW) misses the exact ΛW by at most E = γ|Λ||W| (+η per entry), so for the input g,
        // ΛWg ≥ Λ'g − E·|g| ≥ Λ'g − E·m with m = max(|l_g|,|u_g|). The bias term Λb is a rounded dot product too.
        INDArray absLambda = Transforms.abs(lambda, true);
        INDArray biasLower = SoundArithmetic.lowerBound(biasTerm,
                SoundArithmetic.errorBound(biasDot(absLambda, biases(precision)[1]), biasDotLength()));
        INDArray slack = coefficientSlack(bound, absLambda, inputBounds, precision);
        return bound.withCoefficients(newLambda, SoundArithmetic.sumDown(bound.bias(), biasLower, slack.negi()));
    }

    /**
     * An upper bound of Σₖ Eₖ·mₖ per row, {@code [B·R]}, with E = γₙ|Λ||W| + ηₙ the coefficient errors of the
     * adjoint. By associativity Σₖ(|Λ||W|)ₖ·mₖ = Σⱼ|Λⱼ|·(|W|m)ⱼ: the forward map of m, one row per example,
     * replaces the adjoint of |Λ|, one per specification row (the costlier half of a sound step otherwise).
     * Both sums have non-negative terms, so each computed sum is raised to an upper bound of the exact one.
     */
    private INDArray coefficientSlack(LinearBound bound, INDArray absLambda, IntervalBounds inputBounds,
                                      Precision precision) {
        INDArray magnitude = inputBounds.magnitude();
        INDArray reach = SoundArithmetic.upperOfNonNegativeSum(
                apply(magnitude, weight(WeightForm.ABS, precision), null, precision), forwardDotLength() + 1);
        return slack(bound, absLambda, reach, magnitude, adjointDotLength());
    }

    /**
     * An upper bound of Σₖ eₖ·mₖ per row, {@code [B·R]}, where each coefficient eₖ's rounding error is that of
     * a dot product of length n whose computed sum of absolute products is {@code absSums}ₖ (rows
     * {@code [B·R, ...]}) and m = max(|l|,|u|) of the input: c·Σₖ absSumsₖ·mₖ + η·Σₖ mₖ, each sum raised to an
     * upper bound of the exact one. Equal to summing {@link SoundArithmetic#errorBound} times m, without a
     * rounding step per coefficient.
     */
    static INDArray roundingSlack(LinearBound bound, INDArray absSums, IntervalBounds inputBounds, long n) {
        INDArray magnitude = inputBounds.magnitude();
        return slack(bound, absSums, magnitude, magnitude, n);
    }

    /**
     * cₙ·Σⱼ |rowⱼ|·vⱼ + ηₙ·Σₖ mₖ per row, rounded up: {@code absRows} {@code [B·R, J]} against one non-negative
     * vector v {@code [B, J]} per example (each computed sum raised to an upper bound of the exact one), m the
     * example's input magnitudes.
     */
    private static INDArray slack(LinearBound bound, INDArray absRows, INDArray perExample, INDArray magnitude, long n) {
        long batch = bound.batch();
        long width = perExample.length() / batch;
        INDArray weighted = absRows.reshape('c', batch, bound.rows(), width)
                .mul(perExample.reshape('c', batch, 1, width)).sum(2).reshape(batch * bound.rows());
        return SoundArithmetic.weightedErrorBound(SoundArithmetic.upperOfNonNegativeSum(weighted, width + 1),
                magnitudeSumsPerRow(bound, magnitude), n);
    }

    /** Per row, an upper bound of Σₖ mₖ over its example's input magnitudes m, {@code [B·R]}. */
    private static INDArray magnitudeSumsPerRow(LinearBound bound, INDArray magnitude) {
        long batch = bound.batch();
        long inputs = magnitude.length() / batch;
        INDArray sums = SoundArithmetic.upperOfNonNegativeSum(magnitude.reshape('c', batch, inputs).sum(1), inputs);
        // each example's sum on each of its rows (×1 is exact)
        return sums.reshape('c', batch, 1).mul(Nd4j.ones(sums.dataType(), 1, bound.rows()))
                .reshape(batch * bound.rows());
    }

    // ---- training rules (parameters: [weight, bias]) ----

    /** y = A_w(x) (+ b when non-null) on the tape. */
    protected abstract Var applyOnTape(Tape tape, Var input, Var weight, Var biasOrNull);

    /** Λ ↦ Λ·A_w on the tape, rows {@code [N, ...out]} → {@code [N, ...in]}. */
    protected abstract Var adjointOnTape(Tape tape, Var lambda, Var weight);

    /** Per row, ⟨Λ, b broadcast over the output⟩ → {@code [N]}, on the tape. */
    protected abstract Var biasDotOnTape(Tape tape, Var lambda, Var bias);

    @Override
    public Var forward(Tape tape, Var input, List<Var> parameters) {
        return applyOnTape(tape, input, parameters.get(0), parameters.get(1));
    }

    /** Centre W·c + b and radius |W|·r, as method.md §2 (and the training code it describes) computes them. */
    @Override
    public VarBounds interval(Tape tape, VarBounds in, List<Var> parameters) {
        Var w = parameters.get(0);
        Var centre = tape.scale(tape.add(in.lower(), in.upper()), 0.5);
        Var radius = tape.scale(tape.sub(in.upper(), in.lower()), 0.5);
        Var c = applyOnTape(tape, centre, w, parameters.get(1));
        Var r = applyOnTape(tape, radius, tape.abs(w), null);
        return new VarBounds(tape.sub(c, r), tape.add(c, r));
    }

    @Override
    public VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes,
                                   int reluIndex, List<Var> parameters) {
        Var lambda = bound.coefficients();
        Var bias = tape.add(bound.bias(), biasDotOnTape(tape, lambda, parameters.get(1)));
        return bound.with(adjointOnTape(tape, lambda, parameters.get(0)), bias);
    }

    /** The precision whose map implementation suits the tape's data type (float64: the plain-gemm path). */
    protected static Precision precisionOf(Tape tape) {
        return tape.dataType() == Precision.SOUND.dataType() ? Precision.SOUND : Precision.FAST;
    }

    @Override
    public Map<String, INDArray> parameters() {
        Map<String, INDArray> p = new LinkedHashMap<>();
        p.put("weight", weight);
        p.put("bias", bias);
        return p;
    }
}
