package io.robustcert.bench;

import io.robustcert.core.bound.LinearBound;
import io.robustcert.core.layer.BackwardContext;
import io.robustcert.core.layer.Layer;
import io.robustcert.core.model.Network;
import io.robustcert.core.perturb.InputDomain;
import io.robustcert.core.perturb.LinfBall;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.spec.MarginSpecification;
import io.robustcert.core.tensor.IntervalBounds;
import io.robustcert.core.tensor.Precision;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where the Java time goes: the steps of forward, IBP and CROWN-IBP (FAST) timed one by one with
 * System.nanoTime, as the bound methods run them (same layer calls, same order), median over repeats.
 *
 * <p>{@code bench/run.sh profile [--models a,b] [--tasks a,b] [--repeats N] [--warmup N]}
 */
public final class Profile {

    private final Map<String, List<Double>> sections = new LinkedHashMap<>();
    private Map<String, Double> current = new LinkedHashMap<>();

    private Profile() {
    }

    public static void main(String[] args) {
        Options o = Options.parse(args, Path0.ROOT);
        Worker.initNd4j(Options.threads());
        for (String model : o.models()) {
            for (String task : o.tasks()) {
                new Profile().run(model, task, o);
            }
        }
        System.exit(0);
    }

    private <T> T time(String name, Supplier<T> f) {
        long t0 = System.nanoTime();
        T r = f.get();
        current.merge(name, (System.nanoTime() - t0) / 1e6, Double::sum);
        return r;
    }

    private void run(String model, String task, Options o) {
        int batch = Options.batch(task);
        Network net = Models.build(model, o.seed());
        INDArray x = Models.inputs(model, batch, o.seed() + 1);
        int[] labels = Models.labels(batch, net.numClasses(), o.seed() + 2);
        LinfBall ball = new LinfBall(Worker.EPSILON, InputDomain.UNIT);
        Precision p = Precision.FAST;
        for (int rep = 0; rep < o.warmup() + o.repeats(); rep++) {
            current = new LinkedHashMap<>();
            long[] s0 = selfStat();
            long t0 = System.nanoTime();
            switch (task) {
                case "forward" -> forward(net, x, p);
                case "ibp", "crown_ibp" -> bounds(net, x, labels, ball, p, task.equals("crown_ibp"));
                default -> throw new IllegalArgumentException(task);
            }
            current.put("TOTAL", (System.nanoTime() - t0) / 1e6);
            long[] s1 = selfStat();
            if (s0 != null && s1 != null) {
                long tick = 10; // ms per clock tick (USER_HZ 100)
                current.put("(process: user CPU ms)", (double) (s1[1] - s0[1]) * tick);
                current.put("(process: system CPU ms)", (double) (s1[2] - s0[2]) * tick);
                current.put("(process: minor page faults / 1000)", (s1[0] - s0[0]) / 1000.0);
            }
            if (rep >= o.warmup()) {
                current.forEach((k, v) -> sections.computeIfAbsent(k, kk -> new ArrayList<>()).add(v));
            }
            Worker.gc(); // untimed, keeps RSS flat as the benchmark does
        }
        double total = median(sections.get("TOTAL"));
        System.out.printf(Locale.ROOT, "%n== %s / %s  (batch %d, median of %d, ms)  %.1f img/s%n", model, task, batch,
                o.repeats(), batch / total * 1e3);
        sections.forEach((k, v) -> {
            if (k.startsWith("(")) {
                System.out.printf(Locale.ROOT, "  %-48s %9.1f%n", k, median(v));
            } else {
                System.out.printf(Locale.ROOT, "  %-48s %9.2f  %5.1f%%%n", k, median(v), 100 * median(v) / total);
            }
        });
    }

    private void forward(Network net, INDArray x, Precision p) {
        INDArray h = net.batched(x.castTo(p.dataType()));
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            Layer l = layers.get(i);
            INDArray in = h;
            h = time(name(i, l, "forward"), () -> l.forward(in, p));
        }
    }

    /** The steps of Ibp.compute / CrownIbp.compute (BoundPropagation), timed one by one. */
    private void bounds(Network net, INDArray inputs, int[] labels, LinfBall ball, Precision p, boolean crown) {
        INDArray x = time("api: prepare (cast, NaN/Inf check)", () -> {
            INDArray b = net.batched(inputs.castTo(p.dataType()));
            if (b.isNaN().any() || b.isInfinite().any()) {
                throw new IllegalStateException();
            }
            return b;
        });
        IntervalBounds box = time("api: box (domain check, clip)", () -> ball.box(x, p));
        List<IntervalBounds> bounds = new ArrayList<>();
        IntervalBounds cur = box;
        List<Layer> layers = net.layers();
        for (int i = 0; i < layers.size(); i++) {
            bounds.add(cur);
            if (i < layers.size() - 1) {
                Layer l = layers.get(i);
                IntervalBounds in = cur;
                cur = time(name(i, l, "interval"), () -> l.interval(in, p));
            }
        }
        int last = layers.size() - 1;
        MarginSpecification spec = new MarginSpecification(net.output());
        LinearBound start = time("spec: fold (pullRows)", () -> spec.fold(labels, p, bounds.get(last)));
        if (!crown) {
            time("spec: concretize over last interval", () -> start.concretizeLower(bounds.get(last), p));
        } else {
            int[] relu = net.reluOrdinals();
            LinearBound b = start;
            for (int i = last - 1; i >= 0; i--) {
                Layer l = layers.get(i);
                LinearBound in = b;
                int idx = i;
                b = time(name(i, l, "backward"), () -> l.backward(in, bounds.get(idx),
                        new BackwardContext(p, FixedSlopeRule.ADAPTIVE, relu[idx])));
            }
            LinearBound fin = b;
            time("concretize over input box", () -> fin.concretizeLower(bounds.get(0), p));
        }
        time("api: clean forward (predictions)", () -> Nd4j.argMax(net.forward(x, p), 1));
    }

    /** {minor faults, user ticks, system ticks} of this process, from /proc/self/stat. */
    static long[] selfStat() {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state=0 ... minflt=7, utime=11, stime=12
            return new long[] {Long.parseLong(f[7]), Long.parseLong(f[11]), Long.parseLong(f[12])};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String name(int i, Layer l, String what) {
        String shape = java.util.Arrays.toString(l.inputShape()).replace(" ", "");
        return String.format(Locale.ROOT, "L%-2d %-7s %-8s in %s", i, l.type(), what, shape);
    }

    private static double median(List<Double> v) {
        return Worker.median(v.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** The repo root as run.sh passes it. */
    private static final class Path0 {
        static final java.nio.file.Path ROOT = java.nio.file.Path.of(System.getProperty("robustcert.root", "."))
                .toAbsolutePath().normalize();
    }
}
