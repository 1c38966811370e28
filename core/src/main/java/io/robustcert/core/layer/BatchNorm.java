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
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Batch normalisation with frozen statistics (inference mode): h = γ_c·(x − μ_c)/√(v_c + ε) + β_c per channel,
 * the channel being the first per-example axis ({@code [C]} after a linear layer, {@code [C, H, W]} after a
 * convolution). γ, β, μ, v and ε are the doubles of the architecture and define the exact network; nothing
 * here is trained (a network that contains the layer trains its other layers around it).
 *
 * <p>Why sound mode needs more than {@link Normalize}'s rule: the scale s_c = γ_c/√(v_c + ε) is not a double.
 * The layer computes an interval [s_lo, s_hi] that contains it (each of the sum, the square root and the
 * division is correctly rounded and then moved one double outward) and treats the exact scale as unknown in
 * that interval: the interval rule multiplies intervals, the backward rule adds |Λ|·r·(|x| + |μ|) for the
 * scale's radius r around the nominal scale to the usual rounding slack.
 */
public final class BatchNorm implements Layer {

    /** ε when the architecture gives none (PyTorch's and ONNX's default). */
    public static final double DEFAULT_EPS = 1e-5;

    private final long[] shape;
    private final double[] gamma;
    private final double[] beta;
    private final double[] mean;
    private final double[] variance;
    private final double eps;
    /** fl(γ/fl(√fl(v + ε))): the scale fast mode and the training rules use. */
    private final double[] scale;
    private final double[] scaleLow;
    private final double[] scaleHigh;
    /** An upper bound of |exact scale − scale|. */
    private final double[] scaleRadius;

    public BatchNorm(long[] inputShape, double[] gamma, double[] beta, double[] mean, double[] variance, double eps) {
        int channels = inputShape.length == 0 ? -1 : (int) inputShape[0];
        if (channels < 1 || gamma.length != channels || beta.length != channels || mean.length != channels
                || variance.length != channels) {
            throw new IllegalArgumentException("batchnorm needs one gamma, beta, mean and var per channel: input "
                    + Arrays.toString(inputShape) + ", " + gamma.length + " gammas, " + beta.length + " betas, "
                    + mean.length + " means, " + variance.length + " vars");
        }
        if (!Double.isFinite(eps) || !(eps > 0)) {
            throw new IllegalArgumentException("batchnorm eps must be finite and > 0, got " + eps);
        }
        this.shape = inputShape.clone();
        this.gamma = gamma.clone();
        this.beta = beta.clone();
        this.mean = mean.clone();
        this.variance = variance.clone();
        this.eps = eps;
        this.scale = new double[channels];
        this.scaleLow = new double[channels];
        this.scaleHigh = new double[channels];
        this.scaleRadius = new double[channels];
        for (int c = 0; c < channels; c++) {
            if (!Double.isFinite(gamma[c]) || !Double.isFinite(beta[c]) || !Double.isFinite(mean[c])
                    || !Double.isFinite(variance[c]) || variance[c] < 0) {
                throw new IllegalArgumentException("batchnorm channel " + c + " needs finite gamma, beta, mean and a "
                        + "finite var ≥ 0, got " + gamma[c] + ", " + beta[c] + ", " + mean[c] + ", " + variance[c]);
            }
            double sum = variance[c] + eps;
            // v + ε lies within one double of its rounded sum, √ is correctly rounded and increasing
            double rootLow = Math.nextDown(Math.sqrt(Math.max(0, Math.nextDown(sum))));
            double rootHigh = Math.nextUp(Math.sqrt(Math.nextUp(sum)));
            if (!(rootLow > 0) || !Double.isFinite(rootHigh)) {
                throw new IllegalArgumentException("batchnorm channel " + c + ": var + eps = " + sum
                        + " is out of range for a sound scale");
            }
            scale[c] = gamma[c] / Math.sqrt(sum);
            double a = gamma[c] / rootHigh;
            double b = gamma[c] / rootLow;
            scaleLow[c] = Math.nextDown(Math.min(a, b));
            scaleHigh[c] = Math.nextUp(Math.max(a, b));
            if (!Double.isFinite(scaleLow[c]) || !Double.isFinite(scaleHigh[c])) {
                throw new IllegalArgumentException("batchnorm channel " + c + ": the scale gamma/√(var + eps) overflows");
            }
            scaleRadius[c] = Math.nextUp(Math.max(Math.abs(scaleHigh[c] - scale[c]), Math.abs(scale[c] - scaleLow[c])));
        }
    }

    @Override
    public String type() {
        return "batchnorm";
    }

    @Override
    public long[] inputShape() {
        return shape.clone();
    }

    @Override
    public long[] outputShape() {
        return shape.clone();
    }

    private INDArray perChannel(double[] values, DataType type) {
        return PerChannel.of(values, shape, type);
    }

    private long[] withRows(long rows) {
        return AffineLayer.withBatch(rows, shape);
    }

    /** β − s·μ per channel: h = s·x + shift. */
    private double[] shift() {
        double[] t = new double[beta.length];
        for (int c = 0; c < t.length; c++) {
            t[c] = beta[c] - scale[c] * mean[c];
        }
        return t;
    }

    @Override
    public INDArray forward(INDArray input, Precision precision) {
        DataType type = input.dataType();
        INDArray x = input.reshape('c', withRows(input.size(0)));
        return x.sub(perChannel(mean, type)).muli(perChannel(scale, type)).addi(perChannel(beta, type));
    }

    /** ∂h/∂x = s_c per channel. */
    @Override
    public INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision) {
        DataType type = precision.dataType();
        return outputGradient.castTo(type).reshape('c', withRows(input.size(0))).mul(perChannel(scale, type));
    }

    /**
     * Sound mode: x − μ rounded outward, times the scale interval (the extremes are among the four corner
     * products, each rounded outward), plus β rounded outward. Fast mode: the nominal scale, whose sign
     * decides which end of the box maps to which.
     */
    @Override
    public IntervalBounds interval(IntervalBounds in, Precision precision) {
        DataType type = in.lower().dataType();
        long[] rows = withRows(in.lower().size(0));
        INDArray mu = perChannel(mean, type);
        INDArray lowCentred = in.lower().reshape('c', rows).sub(mu);
        INDArray highCentred = in.upper().reshape('c', rows).sub(mu);
        boolean sound = precision.sound();
        if (sound) {
            lowCentred = SoundArithmetic.down(lowCentred);
            highCentred = SoundArithmetic.up(highCentred);
        }
        INDArray[] corners;
        if (sound) {
            INDArray sLow = perChannel(scaleLow, type);
            INDArray sHigh = perChannel(scaleHigh, type);
            corners = new INDArray[] {lowCentred.mul(sLow), lowCentred.mul(sHigh), highCentred.mul(sLow), highCentred.mul(sHigh)};
        } else {
            // one scale: its sign alone decides which end maps to which
            INDArray s = perChannel(scale, type);
            corners = new INDArray[] {lowCentred.mul(s), highCentred.mul(s)};
        }
        INDArray lower = corners[0].dup();
        INDArray upper = corners[0].dup();
        for (int k = 1; k < corners.length; k++) {
            lower = Transforms.min(lower, corners[k], false);
            upper = Transforms.max(upper, corners[k], false);
        }
        INDArray b = perChannel(beta, type);
        if (!sound) {
            return new IntervalBounds(lower.addi(b), upper.addi(b));
        }
        lower = SoundArithmetic.down(SoundArithmetic.down(lower).addi(b));
        upper = SoundArithmetic.up(SoundArithmetic.up(upper).addi(b));
        return new IntervalBounds(lower, upper);
    }

    /**
     * Λ·h = Λ'·x − Λ'·μ + Λ·β + Σ δ·(x − μ) with Λ' = fl(Λ·s) and δ = Λ·s_exact − Λ', |δ| ≤ |Λ|·r + (the rounding of
     * Λ·s); sound mode bounds the last sum below by −Σ|δ|·(max(|l|,|u|) + |μ|) and both constant sums by their
     * dot-product error bounds.
     */
    @Override
    public LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context) {
        Precision precision = context.precision();
        DataType type = bound.coefficients().dataType();
        long rowsTotal = bound.coefficients().size(0);
        INDArray lambda = bound.coefficients().reshape('c', withRows(rowsTotal));
        INDArray newLambda = lambda.mul(perChannel(scale, type));
        INDArray mu = perChannel(mean, type);
        INDArray b = perChannel(beta, type);
        INDArray betaTerm = lambda.mul(b).reshape('c', rowsTotal, -1).sum(1);
        INDArray meanTerm = newLambda.mul(mu).reshape('c', rowsTotal, -1).sum(1).negi();
        if (!precision.sound()) {
            return bound.withCoefficients(newLambda, bound.bias().add(betaTerm).addi(meanTerm));
        }
        long n = bound.width();
        INDArray absLambda = Transforms.abs(lambda, true);
        INDArray betaAbs = absLambda.mul(Transforms.abs(b, true)).reshape('c', rowsTotal, -1).sum(1);
        INDArray betaLower = SoundArithmetic.lowerBound(betaTerm, SoundArithmetic.errorBound(betaAbs, n + 1));
        INDArray meanAbs = Transforms.abs(newLambda, true).muli(Transforms.abs(mu, true)).reshape('c', rowsTotal, -1).sum(1);
        INDArray meanLower = SoundArithmetic.lowerBound(meanTerm, SoundArithmetic.errorBound(meanAbs, n + 1));
        INDArray reach = SoundArithmetic.up(inputBounds.magnitude().reshape('c', withRows(bound.batch()))
                .add(Transforms.abs(mu, true)));
        IntervalBounds reachBox = new IntervalBounds(reach.neg(), reach);
        INDArray rounding = AffineLayer.roundingSlack(bound, Transforms.abs(newLambda, true), reachBox, 1);
        // Σ |Λ|·r·reach per row: non-negative products of three factors, summed
        long width = n;
        INDArray uncertain = absLambda.mul(perChannel(scaleRadius, type)).reshape('c', bound.batch(), bound.rows(), width)
                .mul(reach.reshape('c', bound.batch(), 1, width)).sum(2).reshape(rowsTotal);
        INDArray scaleSlack = SoundArithmetic.upperOfNonNegativeSum(uncertain, width + 2);
        return bound.withCoefficients(newLambda, SoundArithmetic.sumDown(bound.bias(), betaLower, meanLower,
                rounding.negi(), scaleSlack.negi()));
    }

    // ---- training rules: every value is a constant, gradients flow to the input and to Λ only ----

    @Override
    public Var forward(Tape tape, Var input, List<Var> parameters) {
        INDArray s = perChannel(scale, tape.dataType());
        INDArray x = input.value().reshape('c', withRows(input.size(0)));
        INDArray y = x.mul(s).addi(perChannel(shift(), tape.dataType()));
        return tape.custom(y, (g, need) -> new INDArray[] {g.reshape('c', x.shape()).mul(s)}, input);
    }

    /** Lower end s⁺·l + s⁻·u + shift, upper end s⁺·u + s⁻·l + shift (s⁺ = max(s, 0), s⁻ = min(s, 0)). */
    @Override
    public VarBounds interval(Tape tape, VarBounds in, List<Var> parameters) {
        double[] positive = Arrays.stream(scale).map(v -> Math.max(v, 0)).toArray();
        double[] negative = Arrays.stream(scale).map(v -> Math.min(v, 0)).toArray();
        INDArray sPlus = perChannel(positive, tape.dataType());
        INDArray sMinus = perChannel(negative, tape.dataType());
        INDArray t = perChannel(shift(), tape.dataType());
        INDArray l = in.lower().value().reshape('c', withRows(in.lower().size(0)));
        INDArray u = in.upper().value().reshape('c', withRows(in.upper().size(0)));
        Var lower = tape.custom(l.mul(sPlus).addi(u.mul(sMinus)).addi(t), (g, need) -> new INDArray[] {
                g.reshape('c', l.shape()).mul(sPlus), g.reshape('c', u.shape()).mul(sMinus)}, in.lower(), in.upper());
        Var upper = tape.custom(u.mul(sPlus).addi(l.mul(sMinus)).addi(t), (g, need) -> new INDArray[] {
                g.reshape('c', l.shape()).mul(sMinus), g.reshape('c', u.shape()).mul(sPlus)}, in.lower(), in.upper());
        return new VarBounds(lower, upper);
    }

    /** Λ·h = (Λ·s)·x + Σ Λ·shift. */
    @Override
    public VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes,
                                   int reluIndex, List<Var> parameters) {
        Var lambda = bound.coefficients();
        long rows = lambda.size(0);
        INDArray s = perChannel(scale, tape.dataType());
        INDArray t = perChannel(shift(), tape.dataType());
        INDArray l = lambda.value().reshape('c', withRows(rows));
        Var newLambda = tape.custom(l.mul(s), (g, need) -> new INDArray[] {g.reshape('c', l.shape()).mul(s)}, lambda);
        INDArray shiftTerm = l.mul(t).reshape('c', rows, -1).sum(1);
        Var term = tape.custom(shiftTerm, (g, need) -> {
            INDArray full = Nd4j.zeros(tape.dataType(), l.shape()).addi(t).reshape('c', rows, -1);
            return new INDArray[] {full.muliColumnVector(g.reshape(rows, 1))};
        }, lambda);
        return bound.with(newLambda, tape.add(bound.bias(), term));
    }

    /** The interval that contains channel c's exact scale γ/√(v + ε), and the nominal scale: {low, nominal, high}. */
    double[] scaleInterval(int c) {
        return new double[] {scaleLow[c], scale[c], scaleHigh[c]};
    }

    public double[] gamma() {
        return gamma.clone();
    }

    public double[] beta() {
        return beta.clone();
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] variance() {
        return variance.clone();
    }

    public double eps() {
        return eps;
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", type());
        d.put("gamma", gamma.clone());
        d.put("beta", beta.clone());
        d.put("mean", mean.clone());
        d.put("var", variance.clone());
        d.put("eps", eps);
        return d;
    }
}
