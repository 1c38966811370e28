package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.relax.LowerSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * CROWN-IBP (method.md §3): IBP bounds for every ReLU, then one backward linear pass from the folded
 * specification, with a pluggable lower-slope rule (adaptive by default).
 */
public final class CrownIbp implements IntervalMethod {

    private final LowerSlopeRule rule;

    public CrownIbp() {
        this(FixedSlopeRule.ADAPTIVE);
    }

    public CrownIbp(LowerSlopeRule rule) {
        this.rule = rule;
    }

    public LowerSlopeRule rule() {
        return rule;
    }

    @Override
    public boolean perExample() {
        return rule instanceof FixedSlopeRule;
    }

    @Override
    public String label() {
        return "crown-ibp";
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
        return BoundPropagation.marginLower(network, labels, intervals, rule, precision);
    }
}
