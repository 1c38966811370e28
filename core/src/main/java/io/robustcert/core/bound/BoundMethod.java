package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A way to lower-bound a network's margins over an L∞ ball, batched. */
public interface BoundMethod {

    /** The method's name in results ("ibp", "crown-ibp", ...). */
    String label();

    /**
     * @param inputs {@code [B, ...]}, B examples of the network's input size
     * @param labels the label to certify for each example
     */
    MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision);

    /**
     * Whether each example's bounds depend on that example alone, so that any subset of a batch can be
     * bounded apart with the same result ({@link FloatScreen} relies on it). False unless a method says so:
     * a rule drawing random slopes per batch, for one, does not qualify.
     */
    default boolean perExample() {
        return false;
    }
}
