package io.robustcert.cli;

import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.bound.Crown;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.train.GradientSlopeBound;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The bound methods a command can run, by name. The standard set is ibp, crown-ibp and crown; tests
 * construct the CLI with a set that also holds a deliberately broken method, to check the alarm path.
 */
final class BoundMethods {

    private final Map<String, Function<FixedSlopeRule, BoundMethod>> byName;

    BoundMethods(Map<String, Function<FixedSlopeRule, BoundMethod>> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    static BoundMethods standard() {
        Map<String, Function<FixedSlopeRule, BoundMethod>> m = new LinkedHashMap<>();
        m.put("ibp", rule -> new Ibp());
        m.put("crown-ibp", CrownIbp::new);
        m.put("crown", Crown::new);
        // The paper's slopes (one signed gradient step from random slopes), seeded with the spec's 2019.
        m.put("crown-ibp-ours", rule -> new GradientSlopeBound(2019));
        return new BoundMethods(m);
    }

    /** The same set plus one more method. */
    BoundMethods with(String name, Function<FixedSlopeRule, BoundMethod> method) {
        Map<String, Function<FixedSlopeRule, BoundMethod>> m = new LinkedHashMap<>(byName);
        m.put(name, method);
        return new BoundMethods(m);
    }

    /** Parses a comma-separated list of names; the message of the exception names the problem. */
    List<BoundMethod> parse(List<String> names, FixedSlopeRule rule) {
        List<BoundMethod> methods = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (String item : names) {
            for (String raw : item.split(",", -1)) {
                String name = raw.strip();
                Function<FixedSlopeRule, BoundMethod> f = byName.get(name);
                if (f == null) {
                    throw new IllegalArgumentException("unknown method '" + name + "' (expected "
                            + String.join(", ", byName.keySet()) + ")");
                }
                if (seen.contains(name)) {
                    throw new IllegalArgumentException("method " + name + " given twice");
                }
                seen.add(name);
                methods.add(f.apply(rule));
            }
        }
        return methods;
    }
}
