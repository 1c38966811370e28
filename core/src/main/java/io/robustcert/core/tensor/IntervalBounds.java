package io.robustcert.core.tensor;

import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Element-wise lower and upper bounds of a batched tensor {@code [B, ...shape]}; lower ≤ upper.
 */
public record IntervalBounds(INDArray lower, INDArray upper) {

    public IntervalBounds {
        if (!Arrays.equals(lower.shape(), upper.shape())) {
            throw new IllegalArgumentException("lower " + Arrays.toString(lower.shape())
                    + " and upper " + Arrays.toString(upper.shape()) + " differ in shape");
        }
    }

    public long batchSize() {
        return lower.size(0);
    }

    public IntervalBounds reshape(long... shape) {
        return new IntervalBounds(lower.reshape('c', shape), upper.reshape('c', shape));
    }

    /** max(|lower|, |upper|): a bound on the magnitude of every point in the box (exact in floating point). */
    public INDArray magnitude() {
        return Transforms.max(Transforms.abs(lower, true), Transforms.abs(upper, true), false);
    }

    /** The intersection with another box over the same tensor (both must be sound for the result to be). */
    public IntervalBounds intersect(IntervalBounds other) {
        return new IntervalBounds(Transforms.max(lower, other.lower, true), Transforms.min(upper, other.upper, true));
    }
}
