package io.robustcert.certifier.certify;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.v1.SlopeRule;

/** One requested bound method: its wire name (echoed in the result) and core's engine for it. */
public record MethodChoice(io.robustcert.v1.BoundMethod wire, SlopeRule slopeRule, BoundMethod engine) {
}
