package io.robustcert.core.autodiff;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A value on a {@link Tape}: its tensor and, after {@link Tape#backward}, the gradient of the scalar the
 * tape was differentiated from. Constants carry no gradient; parameters and every value computed from one
 * do.
 */
public final class Var {

    private final INDArray value;
    private final boolean tracked;
    INDArray grad;

    Var(INDArray value, boolean tracked) {
        this.value = value;
        this.tracked = tracked;
    }

    public INDArray value() {
        return value;
    }

    /** Whether a gradient flows to this value (it depends on a parameter). */
    public boolean tracked() {
        return tracked;
    }

    /** ∂(differentiated scalar)/∂this, zeros when nothing reached it; null before {@link Tape#backward}. */
    public INDArray grad() {
        return grad;
    }

    public long[] shape() {
        return value.shape();
    }

    public long size(int dim) {
        return value.size(dim);
    }

    /** The value of a scalar. */
    public double scalar() {
        return value.getDouble(0);
    }

    void accumulate(INDArray g) {
        if (!tracked) {
            return;
        }
        INDArray shaped = g.reshape('c', value.shape());
        if (grad == null) {
            grad = shaped.dup('c');
        } else {
            grad.addi(shaped);
        }
    }
}
