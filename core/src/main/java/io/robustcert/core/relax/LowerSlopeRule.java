package io.robustcert.core.relax;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * How a ReLU's lower relaxation line a·z ≤ ReLU(z) chooses its slope a on unstable neurons.
 *
 * <p>Any a in [0, 1] gives a sound bound on an unstable neuron, so rules differ only in tightness and
 * in the smoothness of the loss they induce. Stable neurons always get their exact slope (1 active,
 * 0 dead): {@link ReluRelaxation} re-masks whatever a rule returns.
 */
public interface LowerSlopeRule {

    /** The rule's name on the command line and in results. */
    String label();

    /**
     * Slopes for one ReLU layer, {@code [B, n]}, values in [0, 1].
     *
     * @param reluIndex  ordinal of the layer among the network's ReLU layers
     * @param relaxation the layer's upper lines and stability masks
     */
    INDArray lowerSlopes(int reluIndex, ReluRelaxation relaxation);
}
