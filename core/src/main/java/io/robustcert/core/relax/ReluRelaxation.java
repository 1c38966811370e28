package io.robustcert.core.relax;

import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.SoundArithmetic;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The linear relaxation of ReLU on [l, u], per neuron: upper line d·z + t ≥ ReLU(z) and stability masks.
 *
 * <p>Active (l ≥ 0): d = 1, t = 0. Dead (u ≤ 0, l &lt; 0): d = 0, t = 0. Unstable (l &lt; 0 &lt; u):
 * the chord d = u/(u − l), t = −l·d. (The CROWN-IBP code guards u − l with 1e-8 instead of testing
 * stability first; both give the chord on unstable neurons, and here stable neurons are exact.)
 *
 * <p>Sound mode: d is whatever the float64 division returns; t is then chosen so that the line is
 * exactly above ReLU at both ends of [l, u] (hence everywhere on it, ReLU being convex there):
 * t = max(↑(−d·l), ↑(u − ↓(d·u))). A lower line a·z with a in [0, 1] is exact on unstable neurons.
 */
public final class ReluRelaxation {

    private final INDArray lower;
    private final INDArray upper;
    private final INDArray active;
    private final INDArray unstable;
    private final INDArray upperSlope;
    private final INDArray upperIntercept;

    private ReluRelaxation(INDArray lower, INDArray upper, INDArray active, INDArray unstable,
                           INDArray upperSlope, INDArray upperIntercept) {
        this.lower = lower;
        this.upper = upper;
        this.active = active;
        this.unstable = unstable;
        this.upperSlope = upperSlope;
        this.upperIntercept = upperIntercept;
    }

    /** @param lower, upper pre-activation bounds {@code [B, n]} */
    public static ReluRelaxation of(INDArray lower, INDArray upper, Precision precision) {
        // In-place where possible: these are [B, n] per ReLU layer and add up on wide layers.
        var type = lower.dataType();
        INDArray active = lower.gte(0.0).castTo(type);
        INDArray unstable = lower.lt(0.0).castTo(type).muli(upper.gt(0.0).castTo(type));
        // Divide only where unstable (u − l > 0 there); elsewhere by 1, which keeps NaN out.
        INDArray width = upper.sub(lower).muli(unstable).addi(1.0).subi(unstable);
        INDArray chord = upper.mul(unstable).divi(width);
        INDArray t;
        if (!precision.sound()) {
            t = lower.mul(chord).negi();
        } else {
            INDArray atLower = SoundArithmetic.up(lower.mul(chord).negi());
            INDArray atUpper = SoundArithmetic.up(upper.sub(SoundArithmetic.down(chord.mul(upper))));
            t = Transforms.max(atLower, atUpper, false).muli(unstable);
        }
        INDArray d = chord.addi(active);
        return new ReluRelaxation(lower, upper, active, unstable, d, t);
    }

    public INDArray lower() {
        return lower;
    }

    public INDArray upper() {
        return upper;
    }

    /** 1 where l ≥ 0. */
    public INDArray active() {
        return active;
    }

    /** 1 where l &lt; 0 &lt; u. */
    public INDArray unstable() {
        return unstable;
    }

    public INDArray upperSlope() {
        return upperSlope;
    }

    public INDArray upperIntercept() {
        return upperIntercept;
    }

    /** The rule's slopes on unstable neurons, exact slopes (1 / 0) on stable ones. */
    public INDArray lowerSlopes(LowerSlopeRule rule, int reluIndex) {
        INDArray a = rule.lowerSlopes(reluIndex, this);
        return a.mul(unstable).addi(active);
    }
}
