package io.robustcert.attack.flow;

import io.robustcert.core.attack.PgdOptions;
import io.robustcert.v1.AttackSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/**
 * A wire AttackSpec as core's PGD settings at any ε: the preset (unspecified: the platform default), then
 * the spec's steps, restarts and seed where set.
 */
public final class AttackSettings {

    private AttackSettings() {
    }

    /** Each problem as "field: message" (field relative to the spec, prefixed by {@code field}). */
    public static List<String> problems(AttackSpec spec, String field) {
        List<String> out = new ArrayList<>();
        if (preset(spec) == null) {
            out.add(field + ".preset: unknown attack preset " + spec.getPresetValue());
        }
        if (spec.hasSteps() && (spec.getSteps() < 0 || spec.getSteps() > 10_000)) {
            out.add(field + ".steps: must be in [0, 10000], got " + spec.getSteps());
        }
        if (spec.hasRestarts() && (spec.getRestarts() < 1 || spec.getRestarts() > 100)) {
            out.add(field + ".restarts: must be in [1, 100], got " + spec.getRestarts());
        }
        return out;
    }

    /** The settings at ε of a spec without {@link #problems}. */
    public static PgdOptions at(AttackSpec spec, double epsilon) {
        PgdOptions o = preset(spec).apply(epsilon);
        o = spec.hasSteps() ? o.withSteps(spec.getSteps()) : o;
        o = spec.hasRestarts() ? o.withRestarts(spec.getRestarts()) : o;
        return spec.hasSeed() ? o.withSeed(spec.getSeed()) : o;
    }

    /** The spec with its preset named (unspecified becomes the platform default), as results echo it. */
    public static AttackSpec resolved(AttackSpec spec) {
        return spec.getPreset() == AttackSpec.Preset.PRESET_UNSPECIFIED
                ? spec.toBuilder().setPreset(AttackSpec.Preset.PRESET_PLATFORM_DEFAULT).build() : spec;
    }

    private static DoubleFunction<PgdOptions> preset(AttackSpec spec) {
        return switch (spec.getPreset()) {
            case PRESET_UNSPECIFIED, PRESET_PLATFORM_DEFAULT -> PgdOptions::platformDefault;
            case PRESET_SPEC_EVALUATION -> PgdOptions::specEvaluation;
            case PRESET_FGSM -> PgdOptions::fgsm;
            default -> null;
        };
    }
}
