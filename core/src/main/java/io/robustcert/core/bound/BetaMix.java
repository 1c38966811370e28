package io.robustcert.core.bound;

import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.LowerSlopeRule;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * β·CROWN-IBP + (1 − β)·IBP (method.md §3.4); the CROWN-IBP pass is skipped when β &lt; 1e-5.
 *
 * <p>A convex combination of two lower bounds is a lower bound, but its rounded value need not be (the
 * rounded weights may sum to more than 1). In sound mode the result is therefore capped at the larger
 * of the two bounds, which is itself a valid lower bound.
 */
public final class BetaMix implements BoundMethod {

    static final double SKIP_BELOW = 1e-5;

    private final double beta;
    private final LowerSlopeRule rule;

    public BetaMix(double beta, LowerSlopeRule rule) {
        if (!(beta >= 0 && beta <= 1)) {
            throw new IllegalArgumentException("beta must lie in [0, 1], got " + beta);
        }
        this.beta = beta;
        this.rule = rule;
    }

    public double beta() {
        return beta;
    }

    @Override
    public String label() {
        return "beta-mix";
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        return Workspaces.compute(() -> {
            BoundPropagation.Batch batch = BoundPropagation.batch(network, inputs, labels, ball, precision);
            List<IntervalBounds> bounds = batch.intervals();
            INDArray ibp = BoundPropagation.intervalMarginLower(network, labels, bounds, precision);
            INDArray lower = ibp;
            if (beta >= SKIP_BELOW) {
                INDArray crown = BoundPropagation.marginLower(network, labels, bounds, rule, precision);
                lower = crown.mul(beta).addi(ibp.mul(1.0 - beta));
                if (precision.sound()) {
                    lower = Transforms.min(lower, Transforms.max(crown, ibp, true), false);
                }
            }
            return batch.result(label(), lower);
        });
    }
}
