package io.robustcert.core.layer;

import io.robustcert.core.autodiff.Tape;
import io.robustcert.core.autodiff.Var;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.layers.convolution.Conv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.DeConv2D;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.DeConv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.convolution.Convolution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * 2-D convolution with bias, square kernel, any stride and zero padding; weight
 * {@code [out, in, k, k]} as PyTorch stores it; NCHW tensors.
 *
 * <p>Two implementations of the same map. Fast mode (float32) uses ND4J's native conv2d / deconv2d
 * ops, which oneDNN may run with any algorithm. Sound mode (float64) computes the convolution as
 * im2col (exact data movement) followed by one dgemm, and its adjoint as one dgemm followed by
 * col2im (scatter-add of at most k·k overlapping terms), so every output is a plain dot product and
 * the error bound of {@link io.robustcert.core.tensor.SoundArithmetic} applies. The explicit path also
 * serves fast mode when the adjoint needs an output padding that deconv2d cannot express.
 */
public final class Conv2d extends AffineLayer {

    private final long inChannels;
    private final long outChannels;
    private final int kernel;
    private final int stride;
    private final int padding;
    private final long inH;
    private final long inW;
    /** Below this many multiply-adds per example, one call's overhead outweighs its arithmetic. */
    private static final long SMALL_PRODUCT = 1L << 17;

    private final long outH;
    private final long outW;
    private final Conv2DConfig convConfig;
    private final DeConv2DConfig deconvConfig;
    /** True when deconv2d's output size equals the input size (no output padding needed). */
    private final boolean deconvFits;
    private final Map<Precision, INDArray> deconvWeights = new java.util.EnumMap<>(Precision.class);

    public Conv2d(long[] inputShape, INDArray weight, INDArray bias, int stride, int padding) {
        super(weight, bias);
        if (inputShape.length != 3) {
            throw new IllegalArgumentException("conv2d needs a [C, H, W] input, got shape " + Arrays.toString(inputShape));
        }
        if (weight.rank() != 4 || weight.size(2) != weight.size(3)) {
            throw new IllegalArgumentException("conv2d needs weight [out, in, k, k], got " + Arrays.toString(weight.shape()));
        }
        if (stride < 1 || padding < 0) {
            throw new IllegalArgumentException("conv2d needs stride ≥ 1 and padding ≥ 0, got " + stride + ", " + padding);
        }
        this.inChannels = inputShape[0];
        this.inH = inputShape[1];
        this.inW = inputShape[2];
        this.outChannels = weight.size(0);
        this.kernel = (int) weight.size(2);
        this.stride = stride;
        this.padding = padding;
        if (weight.size(1) != inChannels || bias.rank() != 1 || bias.length() != outChannels) {
            throw new IllegalArgumentException("conv2d with " + inChannels + " input channels needs weight [out, "
                    + inChannels + ", k, k] and bias [out], got " + Arrays.toString(weight.shape()) + " and "
                    + Arrays.toString(bias.shape()));
        }
        this.outH = (inH + 2L * padding - kernel) / stride + 1;
        this.outW = (inW + 2L * padding - kernel) / stride + 1;
        if (inH + 2L * padding < kernel || inW + 2L * padding < kernel) {
            throw new IllegalArgumentException("conv2d kernel " + kernel + " is larger than the padded input "
                    + Arrays.toString(inputShape));
        }
        this.convConfig = Conv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(padding).pW(padding)
                .dH(1).dW(1).paddingMode(PaddingMode.VALID).dataFormat("NCHW").weightsFormat(WeightsFormat.OIYX).build();
        this.deconvConfig = DeConv2DConfig.builder().kH(kernel).kW(kernel).sH(stride).sW(stride).pH(padding).pW(padding)
                .dH(1).dW(1).isSameMode(false).dataFormat("NCHW").build();
        this.deconvFits = (outH - 1) * stride + kernel - 2L * padding == inH
                && (outW - 1) * stride + kernel - 2L * padding == inW;
    }

    @Override
    public String type() {
        return "conv2d";
    }

    @Override
    public long[] inputShape() {
        return new long[] {inChannels, inH, inW};
    }

    @Override
    public long[] outputShape() {
        return new long[] {outChannels, outH, outW};
    }

    @Override
    protected INDArray apply(INDArray input, INDArray w, INDArray biasOrNull, Precision precision) {
        INDArray x = input.reshape('c', input.size(0), inChannels, inH, inW);
        if (precision.sound()) {
            return applyAsGemm(x, w, biasOrNull);
        }
        INDArray out = Nd4j.createUninitialized(x.dataType(), x.size(0), w.size(0), outH, outW);
        INDArray[] inputs = biasOrNull == null ? new INDArray[] {x, w} : new INDArray[] {x, w, biasOrNull};
        Nd4j.exec(new Conv2D(inputs, new INDArray[] {out}, convConfig));
        return out;
    }

    /**
     * im2col, then one gemm per example: every output is a dot product of length C·k·k. The columns stay in
     * im2col's layout {@code [B, C·k·k, oH·oW]} and each example's product lands in its slice of the output,
     * so no permuted copy of either large array is made (strided copies cost more than the products here).
     */
    private INDArray applyAsGemm(INDArray x, INDArray w, INDArray biasOrNull) {
        long batch = x.size(0);
        long patch = (long) inChannels * kernel * kernel;
        long positions = (long) outH * outW;
        // The overload without an output array allocates float32; give it one of the input's type.
        INDArray cols = Nd4j.create(x.dataType(), batch, inChannels, kernel, kernel, outH, outW);
        Convolution.im2col(x, kernel, kernel, stride, stride, padding, padding, false, cols);
        INDArray cols3 = cols.reshape('c', batch, patch, positions);
        // w may stack several weight forms along the output channels (AffineLayer's SIGNED)
        long channels = w.size(0);
        INDArray w2 = w.reshape('c', channels, patch);
        INDArray out = Nd4j.create(x.dataType(), batch, channels, outH, outW);
        INDArray out3 = out.reshape('c', batch, channels, positions);
        productPerExample(w2, false, cols3, out3);
        if (biasOrNull != null) {
            out.addi(biasOrNull.reshape(1, channels, 1, 1));
        }
        return out;
    }

    @Override
    protected INDArray adjoint(INDArray lambda, INDArray w, Precision precision) {
        INDArray l = lambda.reshape('c', lambda.size(0), outChannels, outH, outW);
        if (!precision.sound() && deconvFits) {
            INDArray out = Nd4j.createUninitialized(l.dataType(), l.size(0), inChannels, inH, inW);
            Nd4j.exec(new DeConv2D(new INDArray[] {l, deconvWeight(w, precision)}, new INDArray[] {out}, deconvConfig));
            return out;
        }
        return adjointAsGemm(l, w);
    }

    private synchronized INDArray deconvWeight(INDArray w, Precision precision) {
        if (w != weight(WeightForm.PLAIN, precision)) {
            return w.permute(2, 3, 1, 0).dup('c');
        }
        // deconv2d takes [kH, kW, deconv-out = conv-in, deconv-in = conv-out].
        return deconvWeights.computeIfAbsent(precision, p -> Workspaces.persistent(() -> w.permute(2, 3, 1, 0).dup('c')));
    }

    /**
     * One gemm per row (Wᵀ·Λ_row lands in im2col's layout), then col2im: each input gradient sums Cout·k·k
     * products (at most k·k per column). As in {@link #applyAsGemm}, no permuted copies.
     */
    private INDArray adjointAsGemm(INDArray l, INDArray w) {
        long n = l.size(0);
        long patch = (long) inChannels * kernel * kernel;
        long positions = (long) outH * outW;
        INDArray l3 = l.reshape('c', n, outChannels, positions);
        INDArray w2 = w.reshape('c', outChannels, patch);
        INDArray cols = Nd4j.create(l.dataType(), n, inChannels, kernel, kernel, outH, outW);
        INDArray cols3 = cols.reshape('c', n, patch, positions);
        productPerExample(w2, true, l3, cols3);
        return Convolution.col2im(cols, stride, stride, padding, padding, (int) inH, (int) inW);
    }

    /**
     * {@code out[i] = op(w)·x[i]} for every i (op: transpose or not), float64 dot products of w's inner length
     * either way: one gemm per example into out's slices, or, where each product is small (the first layer's
     * few input channels), one batched matmul against w repeated per example, which saves the per-call cost.
     */
    private static void productPerExample(INDArray w, boolean transposeW, INDArray x, INDArray out) {
        long n = x.size(0);
        if (w.length() * x.size(2) < SMALL_PRODUCT) {
            INDArray repeated = w.reshape('c', 1, w.size(0), w.size(1)).broadcast(n, w.size(0), w.size(1));
            out.assign(Nd4j.matmul(repeated, x, transposeW, false, false));
            return;
        }
        for (long i = 0; i < n; i++) {
            Nd4j.gemm(w, x.slice(i), out.slice(i), transposeW, false, 1.0, 0.0);
        }
    }

    @Override
    protected INDArray biasDot(INDArray lambda, INDArray b) {
        INDArray perChannel = lambda.reshape('c', lambda.size(0), outChannels, outH * outW).sum(2);
        return perChannel.mmul(b.reshape(outChannels, 1)).reshape(lambda.size(0));
    }

    // ---- training rules: the same maps as above, and their gradients with respect to Λ / x and W ----

    @Override
    protected Var applyOnTape(Tape tape, Var input, Var w, Var biasOrNull) {
        Precision p = precisionOf(tape);
        INDArray x = input.value().reshape('c', input.size(0), inChannels, inH, inW);
        INDArray y = apply(x, w.value(), biasOrNull == null ? null : biasOrNull.value(), p);
        return tape.custom(y, (g, need) -> {
            INDArray[] inputAndWeight = gradients(x, w.value(), g, need[0], need[1], p);
            return new INDArray[] {inputAndWeight[0], inputAndWeight[1],
                biasOrNull != null && need[2] ? g.sum(0, 2, 3) : null};
        }, input, w, biasOrNull);
    }

    /** The adjoint is linear in Λ and in W: ⟨A_Wᵀ Λ, g⟩ = ⟨Λ, A_W g⟩ gives both gradients. */
    @Override
    protected Var adjointOnTape(Tape tape, Var lambda, Var w) {
        Precision p = precisionOf(tape);
        INDArray l = lambda.value().reshape('c', lambda.size(0), outChannels, outH, outW);
        INDArray y = adjoint(l, w.value(), p);
        return tape.custom(y, (g, need) -> {
            INDArray g4 = g.reshape('c', l.size(0), inChannels, inH, inW);
            return new INDArray[] {need[0] ? apply(g4, w.value(), null, p) : null,
                need[1] ? gradients(g4, w.value(), l, false, true, p)[1] : null};
        }, lambda, w);
    }

    @Override
    protected Var biasDotOnTape(Tape tape, Var lambda, Var b) {
        long rows = lambda.size(0);
        INDArray perChannel = lambda.value().reshape('c', rows, outChannels, outH * outW).sum(2);
        INDArray y = perChannel.mmul(b.value().reshape(outChannels, 1)).reshape(rows);
        return tape.custom(y, (g, need) -> {
            INDArray outer = need[0] ? g.reshape(rows, 1).mmul(b.value().reshape(1, outChannels)) : null;
            return new INDArray[] {
                need[0] ? outer.reshape('c', rows, outChannels, 1).broadcast(rows, outChannels, outH * outW).dup('c') : null,
                need[1] ? perChannel.transpose().mmul(g.reshape(rows, 1)).reshape(outChannels) : null};
        }, lambda, b);
    }

    /**
     * The gradients of ⟨g, conv_W(x)⟩ with respect to x ({@code [n, in, H, W]}) and W ({@code [out, in, k, k]}),
     * each only when asked for. In float32 both come from one call of libnd4j's conv2d_bp, which oneDNN runs
     * (measured 5-8× faster than im2col and a batched gemm for the weight gradient of mnist_small's second
     * convolution); in float64, the precision of the gradient checks, from the explicit adjoint and im2col
     * products.
     */
    private INDArray[] gradients(INDArray x, INDArray w, INDArray g, boolean needInput, boolean needWeight,
                                 Precision precision) {
        INDArray g4 = g.reshape('c', x.size(0), w.size(0), outH, outW);
        if (precision.sound() || !needWeight) {
            return new INDArray[] {needInput ? adjoint(g4, w, precision) : null, needWeight ? weightGradient(x, g4) : null};
        }
        INDArray inputGradient = Nd4j.createUninitialized(x.dataType(), x.shape());
        INDArray weightGradient = Nd4j.createUninitialized(w.dataType(), w.shape());
        Nd4j.exec(DynamicCustomOp.builder("conv2d_bp").addInputs(x, w, g4).addOutputs(inputGradient, weightGradient)
                // kH, kW, sH, sW, pH, pW, dilations 1, 1, explicit padding, NCHW, weights [out, in, kH, kW]
                .addIntegerArguments(kernel, kernel, stride, stride, padding, padding, 1, 1, 0, 0, 1).build());
        return new INDArray[] {needInput ? inputGradient : null, weightGradient};
    }

    /**
     * ∂⟨g, conv_W(x)⟩/∂W {@code [out, in, k, k]}: im2col of x against the output gradient, one gemm over
     * every (example, output position).
     */
    private INDArray weightGradient(INDArray x, INDArray outputGradient) {
        long n = x.size(0);
        long positions = outH * outW;
        long patch = inChannels * kernel * kernel;
        INDArray cols = Nd4j.create(x.dataType(), n, inChannels, kernel, kernel, outH, outW);
        Convolution.im2col(x.reshape('c', n, inChannels, inH, inW), kernel, kernel, stride, stride, padding, padding,
                false, cols);
        // Per example g_n [out, positions] · cols_nᵀ [positions, patch], summed over examples: the columns are
        // used in im2col's own layout (no permuted copy of the largest array).
        INDArray perExample = Nd4j.matmul(outputGradient.reshape('c', n, outChannels, positions),
                cols.reshape('c', n, patch, positions), false, true, false);
        return perExample.sum(0).reshape('c', outChannels, inChannels, kernel, kernel);
    }

    @Override
    protected long forwardDotLength() {
        return inChannels * kernel * kernel;
    }

    @Override
    protected long adjointDotLength() {
        return outChannels * kernel * kernel + (long) kernel * kernel;
    }

    @Override
    protected long biasDotLength() {
        return outChannels * outH * outW + outChannels;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", type());
        d.put("out", outChannels);
        d.put("kernel", kernel);
        d.put("stride", stride);
        d.put("padding", padding);
        return d;
    }
}
