package io.robustcert.core.eval;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One sample's outcome.
 *
 * @param index                 position in the evaluated set
 * @param label                 the true label
 * @param cleanPrediction       argmax of the float64 logits at the clean input
 * @param cleanCorrect          {@code cleanPrediction == label}
 * @param broken                the attack found a point inside the ball ∩ domain that float64 logits
 *                              misclassify (checked exactly); a misclassified clean input counts
 * @param adversarialPrediction argmax of the float64 logits at the reported attack point
 * @param lowestAttackMargin    the lowest float64 z_y − max_{j≠y} z_j the attack found (≤ 0 iff broken)
 * @param verifiedBy            per bound method label, in the settings' order: whether it verified the sample
 * @param adversarial           the checked misclassified point when broken, else null (not in JSON: the
 *                              alarms carry the points that matter)
 */
public record SampleVerdict(int index, int label, int cleanPrediction, boolean cleanCorrect, boolean broken,
                            int adversarialPrediction, double lowestAttackMargin, Map<String, Boolean> verifiedBy,
                            @JsonIgnore double[] adversarial) {

    public SampleVerdict {
        verifiedBy = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(verifiedBy));
    }

    /** Verified by at least one bound method. */
    public boolean verified() {
        return verifiedBy.containsValue(Boolean.TRUE);
    }

    @Override
    @JsonIgnore
    public double[] adversarial() {
        return adversarial == null ? null : adversarial.clone();
    }
}
