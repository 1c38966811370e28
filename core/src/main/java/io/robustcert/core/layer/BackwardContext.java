package io.robustcert.core.layer;

import io.robustcert.core.relax.LowerSlopeRule;
import io.robustcert.core.tensor.Precision;

/**
 * What a backward (linear relaxation) step needs besides the bound itself.
 *
 * @param precision  fast or sound arithmetic
 * @param slopeRule  how ReLU layers choose their lower slopes
 * @param reluIndex  the ordinal of the layer among the network's ReLU layers (from 0), or -1 for others
 */
public record BackwardContext(Precision precision, LowerSlopeRule slopeRule, int reluIndex) {
}
