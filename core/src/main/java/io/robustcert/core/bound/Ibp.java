package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.spec.MarginSpecification;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Interval bound propagation with the specification folded into the last layer (method.md §2). */
public final class Ibp implements BoundMethod {

    @Override
    public String label() {
        return "ibp";
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        INDArray x = BoundPropagation.prepare(network, inputs, precision);
        BoundPropagation.checkBatch(x, labels);
        new MarginSpecification(network.output()).checkLabels(labels);
        List<IntervalBounds> bounds = BoundPropagation.intervals(network, ball.box(x, precision), precision);
        INDArray lower = BoundPropagation.intervalMarginLower(network, labels, bounds, precision);
        return BoundPropagation.result(label(), network, x, labels, ball, precision, lower);
    }
}
