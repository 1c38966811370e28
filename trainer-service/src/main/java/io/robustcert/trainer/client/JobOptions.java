package io.robustcert.trainer.client;

import io.robustcert.v1.TrainingMethod;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** The main job's options ({@code --name value}); every value is checked before anything starts. */
record JobOptions(String trainer, String bootstrapServers, TrainingMethod method, double epsilon, int images, int epochs,
                  int evalImages, int reportTimeoutSeconds) {

    private static final Set<String> NAMES = Set.of("--trainer", "--bootstrap-servers", "--method", "--epsilon", "--images",
            "--epochs", "--eval-images", "--report-timeout");

    static JobOptions parse(String[] args) {
        Map<String, String> v = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!NAMES.contains(args[i]) || i + 1 >= args.length) {
                throw new IllegalArgumentException("unknown option or missing value: " + args[i] + " (options: " + NAMES + ")");
            }
            v.put(args[i], args[i + 1]);
        }
        return new JobOptions(v.getOrDefault("--trainer", "127.0.0.1:8091"),
                v.getOrDefault("--bootstrap-servers", "127.0.0.1:9092"),
                method(v.getOrDefault("--method", "ibp")),
                // Defaults measured to train (not collapse) in about a minute: with 2 000 images and ε 0.1 reached
                // within one epoch, IBP training fell to a constant classifier.
                number(v, "--epsilon", "0.05", 0, 1),
                whole(v, "--images", "3000", 60_000),
                whole(v, "--epochs", "4", 100),
                whole(v, "--eval-images", "1000", 10_000),
                whole(v, "--report-timeout", "120", 86_400));
    }

    private static TrainingMethod method(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "ibp" -> TrainingMethod.TRAINING_METHOD_IBP;
            case "crown-ibp" -> TrainingMethod.TRAINING_METHOD_CROWN_IBP;
            case "ours" -> TrainingMethod.TRAINING_METHOD_CROWN_IBP_GRADIENT_SLOPES;
            case "cap" -> TrainingMethod.TRAINING_METHOD_CAP;
            default -> throw new IllegalArgumentException("--method must be ibp, crown-ibp, ours or cap, got '" + name + "'");
        };
    }

    private static int whole(Map<String, String> v, String name, String fallback, int hi) {
        double d = number(v, name, fallback, 1, hi);
        if (d != Math.rint(d)) {
            throw new IllegalArgumentException(name + " must be a whole number, got '" + v.get(name) + "'");
        }
        return (int) d;
    }

    private static double number(Map<String, String> v, String name, String fallback, double lo, double hi) {
        String text = v.getOrDefault(name, fallback);
        try {
            double d = Double.parseDouble(text);
            if (d >= lo && d <= hi) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(name + " must be a number in [" + lo + ", " + hi + "], got '" + text + "'");
    }
}
