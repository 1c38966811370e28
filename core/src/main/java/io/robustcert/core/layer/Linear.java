package io.robustcert.core.layer;

import io.robustcert.core.tensor.Precision;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Fully-connected layer y = W x + b with W {@code [out, in]} as PyTorch stores it. */
public final class Linear extends AffineLayer {

    private final long in;
    private final long out;

    public Linear(long[] inputShape, INDArray weight, INDArray bias) {
        super(weight, bias);
        if (inputShape.length != 1) {
            throw new IllegalArgumentException("linear layer needs a flat input, got shape "
                    + java.util.Arrays.toString(inputShape) + " (add a flatten layer)");
        }
        this.in = inputShape[0];
        this.out = weight.size(0);
        if (weight.rank() != 2 || weight.size(1) != in || bias.rank() != 1 || bias.length() != out) {
            throw new IllegalArgumentException("linear layer with input " + in + " needs weight [out, " + in
                    + "] and bias [out], got " + java.util.Arrays.toString(weight.shape()) + " and "
                    + java.util.Arrays.toString(bias.shape()));
        }
    }

    @Override
    public String type() {
        return "linear";
    }

    @Override
    public long[] inputShape() {
        return new long[] {in};
    }

    @Override
    public long[] outputShape() {
        return new long[] {out};
    }

    public long inFeatures() {
        return in;
    }

    public long outFeatures() {
        return out;
    }

    @Override
    protected INDArray apply(INDArray input, INDArray w, INDArray biasOrNull, Precision precision) {
        INDArray y = input.reshape('c', input.size(0), in).mmul(w.transpose());
        return biasOrNull == null ? y : y.addiRowVector(biasOrNull);
    }

    @Override
    protected INDArray adjoint(INDArray lambda, INDArray w, Precision precision) {
        return lambda.reshape('c', lambda.size(0), out).mmul(w);
    }

    @Override
    protected INDArray biasDot(INDArray lambda, INDArray b) {
        return lambda.reshape('c', lambda.size(0), out).mmul(b.reshape(out, 1)).reshape(lambda.size(0));
    }

    @Override
    protected long forwardDotLength() {
        return in;
    }

    @Override
    protected long adjointDotLength() {
        return out;
    }

    @Override
    protected long biasDotLength() {
        return out;
    }

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("type", type());
        d.put("out", out);
        return d;
    }
}
