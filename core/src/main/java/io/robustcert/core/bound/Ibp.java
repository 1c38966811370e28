package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Interval bound propagation with the specification folded into the last layer (method.md §2). */
public final class Ibp implements IntervalMethod {

    @Override
    public boolean perExample() {
        return true;
    }

    @Override
    public String label() {
        return "ibp";
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        return Workspaces.compute(() -> {
            BoundPropagation.Batch batch = BoundPropagation.batch(network, inputs, labels, ball, precision);
            return batch.result(label(), marginLower(network, labels, batch.intervals(), precision));
        });
    }

    @Override
    public INDArray marginLower(Network network, int[] labels, List<IntervalBounds> intervals, Precision precision) {
        return BoundPropagation.intervalMarginLower(network, labels, intervals, precision);
    }
}
