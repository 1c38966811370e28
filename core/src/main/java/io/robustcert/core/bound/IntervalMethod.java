package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A bound method that starts from the IBP intervals of every layer's input and needs nothing else of the
 * batch, so that several such methods can share one interval pass ({@link BoundSuite}).
 */
interface IntervalMethod extends BoundMethod {

    /**
     * Lower bounds of the margins, {@code [B, K−1]}, from the intervals of every layer's input (index 0: the
     * input box), as {@link BoundPropagation#intervals} computes them.
     */
    INDArray marginLower(Network network, int[] labels, List<IntervalBounds> intervals, Precision precision);
}
