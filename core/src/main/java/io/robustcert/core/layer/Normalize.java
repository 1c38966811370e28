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
 * Per-channel normalisation h = (x − μ_c)/σ_c, with σ_c > 0; the channel is the first per-example axis.
 * μ and σ are the doubles given in the architecture (they define the exact network in sound mode).
 */
public final class Normalize implements Layer {

    private final long[] shape;
    private final double[] mean;
    private final double[] std;

    public Normalize(long[] inputShape, double[] mean, double[] std) {
        if (inputShape.length == 0 || mean.length != inputShape[0] || std.length != inputShape[0]) {
            throw new IllegalArgumentException("normalize needs one mean and one std per channel: input "
                    + Arrays.toString(inputShape) + ", " + mean.length + " means, " + std.length + " stds");
        }
        for (int c = 0; c < std.length; c++) {
            if (!Double.isFinite(mean[c]) || !Double.isFinite(std[c]) || !(std[c] > 0)) {
                throw new IllegalArgumentException("normalize channel " + c + " needs a finite mean and a std > 0, got "
                        + mean[c] + " and " + std[c]);
            }
        }
        this.shape = inputShape.clone();
        this.mean = mean.clone();
        this.std = std.clone();
    }

    @Override
    public String type() {
        return "normalize";
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

    private INDArray normalized(INDArray x, boolean roundDown, boolean sound) {
        INDArray mu = perChannel(mean, x.dataType());
        INDArray sigma = perChannel(std, x.dataType());
        INDArray centred = x.sub(mu);
        if (sound) {
            centred = roundDown ? SoundArithmetic.down(centred) : SoundArithmetic.up(centred);
        }
        INDArray h = centred.divi(sigma);
        if (sound) {
            h = roundDown ? SoundArithmetic.down(h) : SoundArithmetic.up(h);
        }
        return h;
    }

    @Override
    public INDArray forward(INDArray input, Precision precision) {
        return normalized(input, false, false);
    }

    /** ∂h/∂x = 1/σ_c per channel. */
    @Override
    public INDArray inputGradient(INDArray input, INDArray outputGradient, Precision precision) {
        var type = precision.dataType();
        return outputGradient.castTo(type).reshape('c', withRows(input.size(0))).div(perChannel(std, type));
    }

    /** Increasing in x (σ > 0); sound mode rounds the subtraction and the division outward. */
    @Override
    public IntervalBounds interval(IntervalBounds in, Precision precision) {
        return new IntervalBounds(normalized(in.lower(), true, precision.sound()),
                normalized(in.upper(), false, precision.sound()));
    }

    /**
     * Λ·h = (Λ/σ)·x − Σ (Λ/σ)·μ. Sound mode: Λ' = fl(Λ/σ) misses Λ/σ by δ with |δ| ≤ u|Λ'|; then
     * Λ·h = Λ'·(x − μ) + δ·(x − μ) ≥ Λ'·x − Λ'·μ − Σ|δ|·(max(|l|,|u|) + |μ|).
     */
    @Override
    public LinearBound backward(LinearBound bound, IntervalBounds inputBounds, BackwardContext context) {
        Precision precision = context.precision();
        var type = bound.coefficients().dataType();
        long rowsTotal = bound.coefficients().size(0);
        INDArray lambda = bound.coefficients().reshape(withRows(rowsTotal));
        INDArray newLambda = lambda.div(perChannel(std, type));
        INDArray mu = perChannel(mean, type);
        INDArray meanTerm = newLambda.mul(mu).reshape('c', rowsTotal, -1).sum(1).negi();
        if (!precision.sound()) {
            return bound.withCoefficients(newLambda, bound.bias().add(meanTerm));
        }
        long n = bound.width();
        INDArray meanAbs = Transforms.abs(newLambda, true).muli(Transforms.abs(mu, true)).reshape('c', rowsTotal, -1).sum(1);
        INDArray meanLower = SoundArithmetic.lowerBound(meanTerm, SoundArithmetic.errorBound(meanAbs, n + 1));
        INDArray reach = SoundArithmetic.up(inputBounds.magnitude().add(Transforms.abs(mu, true)));
        INDArray slack = AffineLayer.roundingSlack(bound, Transforms.abs(newLambda, true),
                new IntervalBounds(reach.neg(), reach), 1);
        return bound.withCoefficients(newLambda, SoundArithmetic.sumDown(bound.bias(), meanLower, slack.negi()));
    }

    // ---- training rules: μ and σ are constants, gradients flow to the input and to Λ only ----

    @Override
    public Var forward(Tape tape, Var input, List<Var> parameters) {
        INDArray sigma = perChannel(std, tape.dataType());
        INDArray x = input.value().reshape('c', withRows(input.size(0)));
        INDArray y = x.sub(perChannel(mean, tape.dataType())).divi(sigma);
        return tape.custom(y, (g, need) -> new INDArray[] {g.reshape('c', x.shape()).div(sigma)}, input);
    }

    @Override
    public VarBounds interval(Tape tape, VarBounds in, List<Var> parameters) {
        return new VarBounds(forward(tape, in.lower(), parameters), forward(tape, in.upper(), parameters));
    }

    /** Λ·h = (Λ/σ)·x − Σ (Λ/σ)·μ. */
    @Override
    public VarLinearBound backward(Tape tape, VarLinearBound bound, VarBounds inputBounds, SlopeChoice slopes,
                                   int reluIndex, List<Var> parameters) {
        Var lambda = bound.coefficients();
        long rows = lambda.size(0);
        INDArray sigma = perChannel(std, tape.dataType());
        INDArray meanOverSigma = perChannel(mean, tape.dataType()).divi(sigma);
        INDArray l = lambda.value().reshape('c', withRows(rows));
        Var newLambda = tape.custom(l.div(sigma), (g, need) -> new INDArray[] {g.reshape('c', l.shape()).div(sigma)},
                lambda);
        INDArray meanTerm = l.mul(meanOverSigma).reshape('c', rows, -1).sum(1).negi();
        Var term = tape.custom(meanTerm, (g, need) -> {
            INDArray full = Nd4j.zeros(tape.dataType(), l.shape()).addi(meanOverSigma).reshape('c', rows, -1);
            return new INDArray[] {full.muliColumnVector(g.reshape(rows, 1)).negi()};
        }, lambda);
        return bound.with(newLambda, tape.add(bound.bias(), term));
    }

    private long[] withRows(long rows) {
        return AffineLayer.withBatch(rows, shape);
    }

    public double[] mean() {
        return mean.clone();
    }

    public double[] std() {
        return std.clone();
    }

    @Override
    public Map<String, INDArray> parameters() {
        return Map.of();
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", type());
        d.put("mean", mean.clone());
        d.put("std", std.clone());
        return d;
    }
}
