package io.robustcert.certifier.certify;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.Crown;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.v1.SlopeRule;

/** One requested bound method: its wire name (echoed in the result) and core's engine for it. */
public record MethodChoice(io.robustcert.v1.BoundMethod wire, SlopeRule slopeRule, BoundMethod engine) {

    /** Core's engine for a wire method with the given slope rule; null for an unknown method. */
    public static MethodChoice of(io.robustcert.v1.BoundMethod m, FixedSlopeRule rule) {
        return switch (m) {
            case BOUND_METHOD_IBP -> new MethodChoice(m, SlopeRule.SLOPE_RULE_UNSPECIFIED, new Ibp());
            case BOUND_METHOD_CROWN_IBP -> new MethodChoice(m, wire(rule), new CrownIbp(rule));
            case BOUND_METHOD_CROWN -> new MethodChoice(m, wire(rule), new Crown(rule));
            default -> null;
        };
    }

    /** The wire enum of a core slope rule, as echoed in results. */
    static SlopeRule wire(FixedSlopeRule rule) {
        return switch (rule) {
            case ADAPTIVE -> SlopeRule.SLOPE_RULE_ADAPTIVE;
            case ZERO -> SlopeRule.SLOPE_RULE_ZERO;
            case ONE -> SlopeRule.SLOPE_RULE_ONE;
            case SAME -> SlopeRule.SLOPE_RULE_SAME;
        };
    }
}
