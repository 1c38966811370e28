package io.robustcert.core.train;

import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.schedule.EpsilonSchedule;
import io.robustcert.core.schedule.LearningRateSchedule;
import io.robustcert.core.schedule.Mixing;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Every hyperparameter of a training run, as flat {@code key = value} settings: a preset, then a config
 * file, then {@code --set} overrides. Unknown keys and invalid values are refused before any work starts,
 * with a message naming the key. {@link #settings()} gives back the complete map (it goes into every
 * checkpoint's provenance).
 */
public final class TrainingConfig {

    /** Presets: the spec's per-dataset configurations (method.md §8) and short CPU runs beside them. */
    public static final Map<String, Map<String, String>> PRESETS = presets();

    private static final Map<String, String> DEFAULTS = map(
            "model", "mnist_small", "dataset", "mnist", "train_limit", "0", "eval_limit", "1000", "method", "ibp",
            "epochs", "10", "batch_size", "128", "lr", "5e-4", "weight_decay", "0", "lr_decay", "milestones",
            "lr_milestones", "", "lr_factor", "0.1", "lr_every", "10", "epsilon", "0.1", "eval_epsilon", "",
            "eps_schedule", "linear", "schedule_start", "1", "schedule_length", "5", "beta_start", "1",
            "beta_final", "1", "kappa_start", "0", "kappa_final", "0", "bounded_input", "true", "seed", "2019",
            "checkpoint_every", "1", "smoothness_every", "0", "flip", "false", "crop_padding", "0",
            "micro_batch", "0");

    private final Map<String, String> settings;

    private TrainingConfig(Map<String, String> settings) {
        this.settings = settings;
    }

    /**
     * Builds a configuration from a preset (or none) and overrides applied in order.
     *
     * @throws IllegalArgumentException naming the first problem
     */
    public static TrainingConfig of(String preset, List<Map<String, String>> overrides) {
        Map<String, String> s = new LinkedHashMap<>(DEFAULTS);
        if (preset != null) {
            Map<String, String> p = PRESETS.get(preset);
            if (p == null) {
                throw new IllegalArgumentException("unknown preset '" + preset + "' (known: " + String.join(", ", PRESETS.keySet()) + ")");
            }
            s.putAll(p);
        }
        for (Map<String, String> o : overrides) {
            for (Map.Entry<String, String> e : o.entrySet()) {
                if (!DEFAULTS.containsKey(e.getKey())) {
                    throw new IllegalArgumentException("unknown setting '" + e.getKey() + "' (known: "
                            + String.join(", ", new TreeMap<>(DEFAULTS).keySet()) + ")");
                }
                s.put(e.getKey(), e.getValue().trim());
            }
        }
        TrainingConfig c = new TrainingConfig(s);
        c.validate();
        return c;
    }

    private void validate() {
        try {
            io.robustcert.core.io.Architecture.parse(architectureJson());
        } catch (io.robustcert.core.io.ModelFormatException e) {
            throw new IllegalArgumentException("model: " + e.getMessage(), e);
        }
        TrainingMethod.named(method());
        positive("epochs");
        positive("batch_size");
        positive("checkpoint_every");
        nonNegative("train_limit");
        nonNegative("eval_limit");
        nonNegative("smoothness_every");
        nonNegative("micro_batch");
        nonNegative("crop_padding");
        if (!(learningRate() > 0)) {
            throw new IllegalArgumentException("lr must be > 0, got " + get("lr"));
        }
        if (!(number("weight_decay") >= 0)) {
            throw new IllegalArgumentException("weight_decay must be ≥ 0, got " + get("weight_decay"));
        }
        for (String k : List.of("epsilon", "eval_epsilon")) {
            double e = k.equals("epsilon") ? epsilon() : evalEpsilon();
            if (!(e >= 0) || Double.isInfinite(e)) {
                throw new IllegalArgumentException(k + " must be finite and ≥ 0, got " + get(k));
            }
        }
        int start = integer("schedule_start");
        int length = integer("schedule_length");
        if (start < 0 || length < 1) {
            throw new IllegalArgumentException("schedule_start must be ≥ 0 and schedule_length ≥ 1, got " + start + " and " + length);
        }
        if (start + length - 1 > epochs()) {
            throw new IllegalArgumentException("the ε ramp (schedule_start " + start + " + schedule_length " + length
                    + ") is longer than the run (" + epochs() + " epochs)");
        }
        if (!List.of("linear", "smoothed").contains(get("eps_schedule"))) {
            throw new IllegalArgumentException("eps_schedule must be linear or smoothed, got '" + get("eps_schedule") + "'");
        }
        if (!List.of("milestones", "step").contains(get("lr_decay"))) {
            throw new IllegalArgumentException("lr_decay must be milestones or step, got '" + get("lr_decay") + "'");
        }
        learningRates();
        beta();
        kappa();
        bool("bounded_input");
        bool("flip");
        integer("seed");
    }

    // ---- typed views ----

    public Map<String, String> settings() {
        return new LinkedHashMap<>(settings);
    }

    public String get(String key) {
        return settings.get(key);
    }

    public String model() {
        return get("model");
    }

    public DatasetKind dataset() {
        return DatasetKind.byName(get("dataset"));
    }

    /** The model: a zoo name ({@link ModelZoo}) for the dataset's images, or architecture JSON given inline. */
    public String architectureJson() {
        return model().startsWith("{") ? model() : ModelZoo.architecture(model(), dataset());
    }

    public String method() {
        return get("method").toLowerCase(Locale.ROOT);
    }

    public int epochs() {
        return integer("epochs");
    }

    public int batchSize() {
        return integer("batch_size");
    }

    public int trainLimit() {
        return integer("train_limit");
    }

    public int evalLimit() {
        return integer("eval_limit");
    }

    public double learningRate() {
        return number("lr");
    }

    public double weightDecay() {
        return number("weight_decay");
    }

    public double epsilon() {
        return number("epsilon");
    }

    /** The ε of the per-epoch evaluation's final value (defaults to the training ε). */
    public double evalEpsilon() {
        return get("eval_epsilon").isEmpty() ? epsilon() : number("eval_epsilon");
    }

    public long seed() {
        return Long.parseLong(get("seed"));
    }

    public int checkpointEvery() {
        return integer("checkpoint_every");
    }

    /**
     * Samples per slice when a step's loss and gradient are computed slice by slice (0: the whole batch at
     * once): the same step in less memory, see {@link TrainingStep}.
     */
    public int microBatch() {
        return integer("micro_batch");
    }

    /** The default of a setting, or null for an unknown key. */
    public static String defaultValue(String key) {
        return DEFAULTS.get(key);
    }

    public int smoothnessEvery() {
        return integer("smoothness_every");
    }

    public InputDomain domain() {
        return bool("bounded_input") ? InputDomain.UNIT : InputDomain.UNBOUNDED;
    }

    public boolean flip() {
        return bool("flip");
    }

    public int cropPadding() {
        return integer("crop_padding");
    }

    public EpsilonSchedule epsilonSchedule(double to, long stepsPerEpoch) {
        long start = integer("schedule_start");
        long length = integer("schedule_length");
        return get("eps_schedule").equals("smoothed")
                ? new EpsilonSchedule.Smoothed(0.0, to, start, length, stepsPerEpoch)
                : new EpsilonSchedule.Linear(0.0, to, start, length, stepsPerEpoch);
    }

    public LearningRateSchedule learningRates() {
        if (get("lr_decay").equals("step")) {
            return new LearningRateSchedule.StepDecay(learningRate(), integer("schedule_start"), integer("schedule_length"),
                    integer("lr_every"), number("lr_factor"));
        }
        String m = get("lr_milestones");
        long[] milestones = m.isEmpty() ? new long[0] : Arrays.stream(m.split(",")).map(String::trim)
                .mapToLong(v -> parseLong("lr_milestones", v)).toArray();
        return new LearningRateSchedule.MultiStep(learningRate(), milestones, number("lr_factor"));
    }

    public Mixing beta() {
        return new Mixing(number("beta_start"), number("beta_final"));
    }

    public Mixing kappa() {
        return new Mixing(number("kappa_start"), number("kappa_final"));
    }

    // ---- parsing ----

    private int integer(String key) {
        return (int) parseLong(key, get(key));
    }

    private static long parseLong(String key, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be an integer, got '" + v + "'");
        }
    }

    private double number(String key) {
        try {
            double d = Double.parseDouble(get(key));
            if (Double.isNaN(d)) {
                throw new NumberFormatException();
            }
            return d;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + get(key) + "'");
        }
    }

    private boolean bool(String key) {
        String v = get(key).toLowerCase(Locale.ROOT);
        if (!v.equals("true") && !v.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got '" + get(key) + "'");
        }
        return v.equals("true");
    }

    private void positive(String key) {
        if (integer(key) < 1) {
            throw new IllegalArgumentException(key + " must be ≥ 1, got " + get(key));
        }
    }

    private void nonNegative(String key) {
        if (integer(key) < 0) {
            throw new IllegalArgumentException(key + " must be ≥ 0, got " + get(key));
        }
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static Map<String, Map<String, String>> presets() {
        Map<String, Map<String, String>> p = new LinkedHashMap<>();
        // method.md §8, exactly: the paper's method, β ≡ 1, κ ≡ 0, unclipped boxes, cal_loss every 100 steps.
        p.put("mnist", map("model", "dm_large", "dataset", "mnist", "method", "ours", "epochs", "200", "batch_size", "80",
                "lr", "5e-4", "lr_decay", "milestones", "lr_milestones", "130,190", "lr_factor", "0.1", "epsilon", "0.4",
                "eval_epsilon", "0.4", "schedule_start", "10", "schedule_length", "50", "bounded_input", "false",
                "smoothness_every", "100", "eval_limit", "10000"));
        p.put("cifar10", map("model", "cnn_4layer", "dataset", "cifar10", "method", "ours", "epochs", "400", "batch_size",
                "128", "lr", "3e-4", "lr_decay", "step", "lr_every", "10", "lr_factor", "0.5", "epsilon", "0.0313725",
                "eval_epsilon", "0.0313725", "schedule_start", "20", "schedule_length", "241", "bounded_input", "false",
                "flip", "true", "crop_padding", "4", "smoothness_every", "100", "eval_limit", "10000"));
        p.put("svhn", map("model", "dm_large", "dataset", "svhn", "method", "ours", "epochs", "200", "batch_size", "70",
                "lr", "3e-4", "lr_decay", "step", "lr_every", "10", "lr_factor", "0.5", "epsilon", "0.01",
                "eval_epsilon", "0.01", "schedule_start", "10", "schedule_length", "121", "bounded_input", "false",
                "crop_padding", "4", "smoothness_every", "100", "eval_limit", "26032"));
        // CPU scale: the reproduction protocol (mnist_small, 10 epochs, ε from 0 at the start of epoch 1 to 0.4 at
        // the end of epoch 5, i.e. s₁ = 6·N: schedule_length 6 in the spec's convention).
        p.put("mnist-cpu", map("model", "mnist_small", "dataset", "mnist", "method", "ours", "epochs", "10", "batch_size",
                "128", "lr", "5e-4", "lr_milestones", "8", "epsilon", "0.4", "schedule_start", "1", "schedule_length", "6",
                "bounded_input", "true", "smoothness_every", "100", "eval_limit", "1000"));
        // A few minutes: the main job's default.
        p.put("mnist-quick", map("model", "mnist_small", "dataset", "mnist", "method", "ibp", "epochs", "3",
                "train_limit", "6000", "batch_size", "64", "lr", "1e-3", "epsilon", "0.1", "schedule_start", "1",
                "schedule_length", "2", "eval_limit", "500"));
        return p;
    }
}
