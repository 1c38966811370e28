package io.robustcert.bench;

import io.robustcert.core.attack.Pgd;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.attack.PgdResult;
import io.robustcert.core.bound.CrownIbp;
import io.robustcert.core.bound.Ibp;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.tensor.Precision;
import io.robustcert.core.data.Batch;
import io.robustcert.core.optim.Adam;
import io.robustcert.core.train.CrownIbpTraining;
import io.robustcert.core.train.IbpTraining;
import io.robustcert.core.train.LossSettings;
import io.robustcert.core.train.TrainableModel;
import io.robustcert.core.train.TrainingMethod;
import io.robustcert.core.train.TrainingStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** Times one model/task in this JVM, as the reference does: warm-up, then the median of the repeats. */
public final class Worker {

    static final double EPSILON = 0.1;

    private Worker() {
    }

    /** Starts ND4J with the benchmark's thread count and describes the backend. */
    public static Map<String, Object> initNd4j(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("backend", Nd4j.getBackend().getClass().getSimpleName());
        info.put("platform_extension", System.getProperty("org.bytedeco.javacpp.platform.extension", ""));
        info.put("nd4j_version", nd4jVersion());
        info.put("max_threads", Nd4j.getEnvironment().maxThreads());
        info.put("max_master_threads", Nd4j.getEnvironment().maxMasterThreads());
        info.put("omp_max_threads", NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        info.put("helpers_allowed", Nd4j.getEnvironment().helpersAllowed());
        Properties p = Nd4j.getExecutioner().getEnvironmentInformation();
        Map<String, Object> env = new TreeMap<>();
        p.forEach((k, v) -> env.put(String.valueOf(k), String.valueOf(v)));
        info.put("environment", env);
        return info;
    }

    /** The version in the name of the nd4j-api jar on the class path (the jars carry no manifest version). */
    private static String nd4jVersion() {
        String v = Nd4j.class.getPackage().getImplementationVersion();
        if (v != null) {
            return v;
        }
        for (String entry : System.getProperty("java.class.path", "").split(java.io.File.pathSeparator)) {
            String name = java.nio.file.Path.of(entry).getFileName() == null ? "" : java.nio.file.Path.of(entry).getFileName().toString();
            if (name.startsWith("nd4j-api-") && name.endsWith(".jar")) {
                return name.substring("nd4j-api-".length(), name.length() - ".jar".length());
            }
        }
        return "unknown";
    }

    /**
     * Runs one task.
     *
     * @param resetPeak reset VmHWM before the task (in-process mode), so the peak is the task's own
     */
    public static Map<String, Object> run(String model, String task, Options o, boolean resetPeak) {
        int batch = Options.batch(task);
        Network net = Models.build(model, o.seed());
        long dataSeed = o.seed() * 31 + (model + "/" + task).hashCode();
        INDArray x = Models.inputs(model, batch, dataSeed);
        int[] labels = Models.labels(batch, net.numClasses(), dataSeed + 1);
        LinfBall ball = new LinfBall(EPSILON, InputDomain.UNIT);
        Ibp ibp = new Ibp();
        CrownIbp crown = new CrownIbp();
        Pgd pgd = new Pgd(pgd40(EPSILON, o.seed()));
        Supplier<Object> fn = switch (task) {
            case "forward" -> () -> net.forward(x, Precision.FAST);
            case "ibp" -> () -> ibp.compute(net, x, labels, ball, Precision.FAST);
            case "crown_ibp" -> () -> crown.compute(net, x, labels, ball, Precision.FAST);
            case "pgd40" -> () -> pgd.attack(net, x, labels);
            case "train_ibp" -> trainingStep(net, new IbpTraining(), x, labels, o.microBatch());
            case "train_crown_ibp" -> trainingStep(net, new CrownIbpTraining(), x, labels, o.microBatch());
            default -> throw new IllegalArgumentException("unknown task " + task);
        };

        gc();
        boolean peakReset = resetPeak && Proc.resetPeak();
        double rssStart = Proc.rssMib();
        double rssMax = rssStart;
        int gcCalls = 0;
        Object last = null;
        for (int i = 0; i < o.warmup(); i++) {
            last = fn.get();
            double rss = Proc.rssMib();
            rssMax = Math.max(rssMax, rss);
            if (rss - rssStart > o.gcGrowthMib()) {
                gc();
                gcCalls++;
            }
        }
        double[] seconds = new double[o.repeats()];
        for (int r = 0; r < o.repeats(); r++) {
            long t0 = System.nanoTime();
            last = fn.get();
            seconds[r] = (System.nanoTime() - t0) / 1e9;
            // Outside the timed region: ND4J frees off-heap buffers only when their Java objects are collected.
            double rss = Proc.rssMib();
            rssMax = Math.max(rssMax, rss);
            if (rss - rssStart > o.gcGrowthMib()) {
                gc();
                gcCalls++;
            }
        }
        double median = median(seconds);

        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", batch);
        r.put("images_per_s", Proc.round(batch / median, 1));
        r.put("median_s", Proc.round(median, 5));
        List<Double> all = new ArrayList<>();
        for (double s : seconds) {
            all.add(Proc.round(s, 5));
        }
        r.put("seconds", all);
        r.put("warmup", o.warmup());
        r.put("repeats", o.repeats());
        r.put("peak_rss_mib", Proc.round(Proc.peakRssMib(), 1));
        r.put("peak_rss_scope", peakReset ? "task (VmHWM reset before the task)" : "process lifetime (VmHWM)");
        r.put("rss_before_task_mib", Proc.round(rssStart, 1));
        r.put("rss_max_between_calls_mib", Proc.round(rssMax, 1));
        r.put("gc_calls", gcCalls);
        r.put("parameters", net.parameterCount());
        r.put("check", check(last));
        r.put("process_cpu_s", Proc.round(Proc.cpuSeconds("self"), 2));
        return r;
    }

    /**
     * The reference's train_ibp / train_crown_ibp: the robust cross-entropy of IBP (or CROWN-IBP, β = 1)
     * margins at ε = 0.1 on a fixed batch, its gradient, an Adam step at lr 1e-3; the loss is the check.
     * With {@code microBatch} > 0 the same step is computed that many samples at a time (less memory).
     */
    static Supplier<Object> trainingStep(Network net, TrainingMethod method, INDArray x, int[] labels, int microBatch) {
        TrainableModel model = TrainableModel.of(net);
        Adam adam = Adam.withDefaults(model.parameters(), 0);
        Batch batch = new Batch(x.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT), labels, new int[labels.length]);
        LossSettings settings = new LossSettings(EPSILON, 1.0, 0.0, InputDomain.UNIT, new java.util.SplittableRandom(1));
        return () -> TrainingStep.run(model, adam, method, batch, settings, 1e-3, microBatch, g -> { });
    }

    /**
     * The reference's pgd40: a uniform random start in the ball, 40 steps of ε/4 on cross-entropy, one
     * restart, every step for every sample (no early stop). The engine also re-checks candidate points in
     * float64 and evaluates each sample's lowest-margin points in float64 at the end: part of the timed work.
     */
    static PgdOptions pgd40(double eps, long seed) {
        return new PgdOptions(eps, InputDomain.UNIT, 40, eps / 4, PgdOptions.StepSchedule.CONSTANT, true, 1,
                PgdOptions.Loss.CROSS_ENTROPY, false, false, seed);
    }

    /** A few numbers from the last result, to see that the work was done and is sane. */
    private static Map<String, Object> check(Object result) {
        Map<String, Object> c = new LinkedHashMap<>();
        if (result instanceof INDArray logits) {
            c.put("shape", Arrays.toString(logits.shape()));
            c.put("mean_logit", Proc.round(logits.meanNumber().doubleValue(), 6));
        } else if (result instanceof PgdResult p) {
            c.put("broken", p.brokenCount());
            c.put("gradient_evaluations", p.gradientEvaluations());
        } else if (result instanceof Double loss) {
            c.put("loss", Proc.round(loss, 6));
        } else if (result instanceof MarginBounds m) {
            c.put("shape", Arrays.toString(m.lower().shape()));
            c.put("mean_lower_bound", Proc.round(m.lower().meanNumber().doubleValue(), 6));
            c.put("verified", m.verifiedCount());
        }
        return c;
    }

    static void gc() {
        System.gc();
        try {
            Thread.sleep(50); // ND4J's deallocator threads free the native buffers of collected arrays
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static double median(double[] values) {
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
