package io.robustcert.core.bound;

import io.robustcert.core.layer.BackwardContext;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.LowerSlopeRule;
import io.robustcert.core.spec.MarginSpecification;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.tensor.Workspaces;
import io.robustcert.core.tensor.SoundArithmetic;
import java.util.ArrayList;
import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ops.impl.reduce.longer.MatchCondition;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.conditions.Conditions;

/** The walks every bound method is made of: intervals forward, linear bounds backward. */
public final class BoundPropagation {

    private BoundPropagation() {
    }

    /** A checked batch, its box, and what every method needs to report its result. */
    record Batch(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision, IntervalBounds box) {

        /** Interval bounds of every layer's input over the box. */
        List<IntervalBounds> intervals() {
            return BoundPropagation.intervals(network, box, precision);
        }

        MarginBounds result(String method, INDArray lower) {
            return BoundPropagation.result(method, network, inputs, labels, ball, precision, lower);
        }
    }

    /** Checks the inputs (finite, one label each, labels in range) and builds the box around them. */
    static Batch batch(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        if (precision.sound()) {
            SoundArithmetic.checkSubnormalsKept();
        }
        INDArray x = prepare(network, inputs, precision);
        checkBatch(x, labels);
        MarginSpecification.of(network.output()).checkLabels(labels);
        return new Batch(network, x, labels, ball, precision, ball.box(x, precision));
    }

    /** Inputs as a batch in the precision's data type, after checking that they are finite. */
    static INDArray prepare(Network network, INDArray inputs, Precision precision) {
        INDArray x = network.batched(inputs.castTo(precision.dataType()));
        if (x.length() > 0 && Nd4j.getExecutioner().exec(new MatchCondition(x, Conditions.notFinite())).getInt(0) > 0) {
            throw new IllegalArgumentException("inputs contain NaN or infinite values");
        }
        return x;
    }

    /**
     * Interval bounds of every layer's input (index i: the input of layer i; index 0: the box), by IBP.
     */
    public static List<IntervalBounds> intervals(Network network, IntervalBounds box, Precision precision) {
        List<IntervalBounds> bounds = new ArrayList<>(network.size());
        IntervalBounds current = box;
        for (int i = 0; i < network.size(); i++) {
            bounds.add(current);
            if (i < network.size() - 1) {
                current = network.layer(i).interval(current, precision);
            }
        }
        return bounds;
    }

    /**
     * Back-substitutes a linear bound expressed in the output of layer {@code from − 1} through layers
     * {@code from − 1, ..., 0} and concretizes it over the box: the lower bound of each row, {@code [B, R]}.
     */
    public static INDArray backwardLower(Network network, LinearBound bound, int from, List<IntervalBounds> bounds,
                                         LowerSlopeRule rule, Precision precision) {
        int[] relu = network.reluOrdinals();
        LinearBound current = bound;
        // One workspace step per layer: only each layer's bound outlives it, not its temporaries (the sound
        // adjoint's im2col matrices and rounding terms would otherwise pile up for the whole batch).
        for (int i = from - 1; i >= 0; i--) {
            Layer layer = network.layer(i);
            LinearBound in = current;
            BackwardContext context = new BackwardContext(precision, rule, relu[i]);
            IntervalBounds inputBounds = bounds.get(i);
            current = Workspaces.step(() -> layer.backward(in, inputBounds, context),
                    b -> b.withCoefficients(Workspaces.keep(b.coefficients()), Workspaces.keep(b.bias())));
        }
        LinearBound last = current;
        return Workspaces.step(() -> last.concretizeLower(bounds.get(0), precision), Workspaces::keep);
    }

    /** Lower bounds of the margins by back-substitution from the folded specification (CROWN-IBP's pass). */
    static INDArray marginLower(Network network, int[] labels, List<IntervalBounds> bounds, LowerSlopeRule rule,
                                Precision precision) {
        int last = network.size() - 1;
        LinearBound start = MarginSpecification.of(network.output()).fold(labels, precision, bounds.get(last));
        return backwardLower(network, start, last, bounds, rule, precision);
    }

    /** Margin lower bounds from the intervals alone (IBP with the specification folded in). */
    static INDArray intervalMarginLower(Network network, int[] labels, List<IntervalBounds> bounds, Precision precision) {
        int last = network.size() - 1;
        MarginSpecification spec = MarginSpecification.of(network.output());
        if (!precision.sound()) {
            return spec.intervalLowerFast(labels, bounds.get(last).reshape(labels.length, network.output().inFeatures()));
        }
        return spec.fold(labels, precision, bounds.get(last)).concretizeLower(bounds.get(last), precision);
    }

    /**
     * The result with its verdicts. The clean forward pass runs only on the examples whose margin lower
     * bounds are all positive: a verdict needs the clean prediction only there.
     */
    static MarginBounds result(String method, Network network, INDArray x, int[] labels, LinfBall ball,
                               Precision precision, INDArray lower) {
        INDArray detached = lower.detach();
        int b = labels.length;
        boolean[] verified = new boolean[b];
        int[] candidates = new int[b];
        int count = 0;
        if (b > 0 && lower.size(1) > 0) {
            int[] allPositive = lower.gt(0.0).castTo(DataType.INT32).min(1).toIntVector();
            for (int i = 0; i < b; i++) {
                if (allPositive[i] != 0) {
                    candidates[count++] = i;
                }
            }
        }
        if (count > 0) {
            int[] rows = java.util.Arrays.copyOf(candidates, count);
            INDArray flat = x.reshape(b, -1);
            INDArray logits = network.forward(Nd4j.pullRows(flat, 1, rows), precision);
            int[] predictions = Nd4j.argMax(logits, 1).toIntVector();
            for (int k = 0; k < count; k++) {
                verified[rows[k]] = predictions[k] == labels[rows[k]];
            }
        }
        return new MarginBounds(method, precision, ball.epsilon(), detached, verified, labels.clone());
    }

    static void checkBatch(INDArray x, int[] labels) {
        if (x.size(0) != labels.length) {
            throw new IllegalArgumentException(x.size(0) + " inputs but " + labels.length + " labels");
        }
    }
}
