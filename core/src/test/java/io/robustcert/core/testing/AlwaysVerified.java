package io.robustcert.core.testing;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import java.util.Arrays;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A deliberately broken bound method: it claims every sample verified with margin lower bounds of 1, a
 * false certificate wherever an attack succeeds. Tests inject it to exercise the soundness alarm.
 */
public final class AlwaysVerified implements BoundMethod {

    public static final String LABEL = "always-verified";

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public MarginBounds compute(Network network, INDArray inputs, int[] labels, LinfBall ball, Precision precision) {
        boolean[] verified = new boolean[labels.length];
        Arrays.fill(verified, true);
        INDArray lower = Nd4j.ones(precision.dataType(), labels.length, network.numClasses() - 1);
        return new MarginBounds(label(), precision, ball.epsilon(), lower, verified, labels.clone());
    }
}
