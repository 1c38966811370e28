package io.robustcert.core.relax;

import java.util.Locale;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The slope rules that depend only on the neuron's own interval (method.md §3.1). */
public enum FixedSlopeRule implements LowerSlopeRule {
    /** CROWN-IBP's default: a = 1 when the positive side is the longer one (d > 1/2), else 0. */
    ADAPTIVE,
    /** a = 0 on every unstable neuron. */
    ZERO,
    /** a = 1 on every unstable neuron. */
    ONE,
    /** a = d, the upper slope (CAP / Fast-Lin / Wong–Kolter). */
    SAME;

    @Override
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public INDArray lowerSlopes(int reluIndex, ReluRelaxation r) {
        INDArray d = r.upperSlope();
        return switch (this) {
            case ADAPTIVE -> d.gt(0.5).castTo(d.dataType());
            case ZERO -> Nd4j.zeros(d.dataType(), d.shape());
            case ONE -> Nd4j.ones(d.dataType(), d.shape());
            case SAME -> d;
        };
    }

    public static FixedSlopeRule parse(String label) {
        for (FixedSlopeRule rule : values()) {
            if (rule.label().equals(label)) {
                return rule;
            }
        }
        throw new IllegalArgumentException("unknown slope rule '" + label + "' (expected adaptive, zero, one or same)");
    }
}
