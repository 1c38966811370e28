package io.robustcert.core.relax;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Slopes given per neuron and per example, one {@code [B, n]} tensor per ReLU layer in network order:
 * how training methods that choose slopes themselves (the paper's gradient-sign step) pass them in.
 * Values are clipped to [0, 1], which keeps the relaxation sound whatever the caller supplies.
 */
public final class ExplicitSlopes implements LowerSlopeRule {

    private final List<INDArray> slopes;

    public ExplicitSlopes(List<INDArray> slopes) {
        this.slopes = List.copyOf(slopes);
    }

    @Override
    public String label() {
        return "explicit";
    }

    @Override
    public INDArray lowerSlopes(int reluIndex, ReluRelaxation r) {
        if (reluIndex < 0 || reluIndex >= slopes.size()) {
            throw new IllegalArgumentException("no explicit slopes for ReLU layer " + reluIndex
                    + " (given for " + slopes.size() + " layers)");
        }
        INDArray a = slopes.get(reluIndex);
        INDArray d = r.upperSlope();
        if (a.length() != d.length()) {
            throw new IllegalArgumentException("explicit slopes for ReLU layer " + reluIndex + " have "
                    + a.length() + " values, the layer has " + d.length() + " (batch × neurons)");
        }
        INDArray clipped = Transforms.min(Transforms.max(a.castTo(d.dataType()), 0.0, true), 1.0, false);
        return clipped.reshape('c', d.shape());
    }
}
