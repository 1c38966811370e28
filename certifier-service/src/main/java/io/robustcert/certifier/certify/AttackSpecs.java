package io.robustcert.certifier.certify;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.v1.AttackSpec;
import java.util.function.DoubleFunction;

/** The wire AttackSpec as core's PGD settings at any ε; unset fields keep the preset's values. */
final class AttackSpecs {

    private AttackSpecs() {
    }

    /** null (with a violation) for an invalid spec. */
    static DoubleFunction<PgdOptions> read(AttackSpec spec, String field, Violations v) {
        DoubleFunction<PgdOptions> preset = switch (spec.getPreset()) {
            case PRESET_UNSPECIFIED, PRESET_PLATFORM_DEFAULT -> PgdOptions::platformDefault;
            case PRESET_SPEC_EVALUATION -> PgdOptions::specEvaluation;
            case PRESET_FGSM -> PgdOptions::fgsm;
            default -> null;
        };
        boolean ok = preset != null;
        if (!ok) {
            v.add(field + ".preset", "unknown attack preset " + spec.getPresetValue());
        }
        if (spec.hasSteps() && (spec.getSteps() < 0 || spec.getSteps() > 10_000)) {
            v.add(field + ".steps", "must be in [0, 10000], got " + spec.getSteps());
            ok = false;
        }
        if (spec.hasRestarts() && (spec.getRestarts() < 1 || spec.getRestarts() > 100)) {
            v.add(field + ".restarts", "must be in [1, 100], got " + spec.getRestarts());
            ok = false;
        }
        if (!ok) {
            return null;
        }
        return eps -> {
            PgdOptions o = preset.apply(eps);
            o = spec.hasSteps() ? o.withSteps(spec.getSteps()) : o;
            o = spec.hasRestarts() ? o.withRestarts(spec.getRestarts()) : o;
            return spec.hasSeed() ? o.withSeed(spec.getSeed()) : o;
        };
    }
}
