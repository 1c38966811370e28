package io.robustcert.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Throughput of the bound core (FAST precision) against the PyTorch reference, on the same machine,
 * one model/task at a time and never both at once.
 *
 * <p>By default each model/task runs in a fresh child JVM (same JVM options and class path), so the
 * peak RSS reported for it (VmHWM of that JVM) is what a process needs to run that task alone: JVM,
 * ND4J's native libraries, the model, warm-up and repeats. With {@code --in-process} every task runs
 * in this JVM and VmHWM is reset before each task through /proc/self/clear_refs (if the kernel allows;
 * otherwise it is the process-lifetime peak and the report says so).
 *
 * <p>The reference ({@code torch_reference.py}) runs after each Java task as a child process, only when
 * {@code python -c "import torch"} works. The report goes to bench/results/latest.json.
 */
public final class Bench {

    static final String RESULT_MARKER = "BENCH_RESULT ";

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("robustcert.root", ".")).toAbsolutePath().normalize();
        Options o;
        try {
            o = Options.parse(args, root);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        int threads = Options.threads();
        if (o.worker()) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("nd4j", Worker.initNd4j(threads));
            out.put("result", Worker.run(o.models().get(0), o.tasks().get(0), o, false));
            System.out.println(RESULT_MARKER + new ObjectMapper().writeValueAsString(out));
            System.out.flush();
            System.exit(0); // ND4J's non-daemon threads would keep the JVM alive
        }
        System.exit(orchestrate(o, root, threads));
    }

    @SuppressWarnings("unchecked")
    private static int orchestrate(Options o, Path root, int threads) throws Exception {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("generated_at", Instant.now().toString());
        report.put("machine", Proc.machine());
        Map<String, Object> java = new LinkedHashMap<>();
        java.put("version", System.getProperty("java.runtime.version"));
        java.put("vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        java.put("jvm_args", ManagementFactory.getRuntimeMXBean().getInputArguments());
        report.put("java", java);
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("precision", "FAST (float32)");
        settings.put("threads", threads);
        settings.put("repeats", o.repeats());
        settings.put("java_warmup", o.warmup());
        settings.put("torch_warmup", 1);
        settings.put("epsilon", Worker.EPSILON);
        settings.put("input_domain", "[0, 1] (box clipped)");
        settings.put("seed", o.seed());
        settings.put("mode", o.fork() ? "fork: one fresh JVM per model/task" : "in-process: one JVM for all tasks");
        settings.put("gc_growth_mib", o.gcGrowthMib());
        settings.put("micro_batch", o.microBatch());
        settings.put("wait_idle_s", o.waitIdleS());
        settings.put("env", envSubset());
        report.put("settings", settings);
        report.put("rss_note", "java.peak_rss_mib is VmHWM from /proc/self/status of the JVM that ran the task. "
                + (o.fork() ? "Each task ran in its own fresh JVM, so it is the peak of JVM + ND4J native libraries + "
                        + "model + warm-up + repeats of that task alone (rss_before_task_mib: the same JVM after "
                        + "start-up, model and inputs, before the first call)."
                        : "All tasks ran in one JVM; VmHWM was reset before each task where peak_rss_scope says so, "
                        + "else it is the peak over the process lifetime so far.")
                + " System.gc() runs between calls (untimed) once RSS grew by gc_growth_mib during the task, because "
                + "ND4J frees native buffers only when their Java objects are collected. torch.peak_rss_mib is the "
                + "reference process's VmHWM, polled every 100 ms. cpu_busy_before_*: fraction of all CPUs busy with "
                + "other processes in the 0.5 s before that run; other_load_during_*: average share of all CPUs used by other "
                + "processes while it ran (machine busy time from /proc/stat minus that of this JVM and its waited-for "
                + "children); timings are only comparable when both are near 0.");

        TorchReference torch = new TorchReference(o.python(), o.torchScript(), threads);
        String torchMissing = o.torch() ? torch.unavailableReason() : "disabled with --no-torch";
        Map<String, Object> torchInfo = new LinkedHashMap<>();
        torchInfo.put("script", o.torchScript().toString());
        torchInfo.put("python", o.python());
        torchInfo.put("available", torchMissing == null);
        if (torchMissing != null) {
            torchInfo.put("reason", torchMissing);
            System.err.println("PyTorch reference not run: " + torchMissing);
        }
        report.put("torch", torchInfo);
        if (!o.fork()) {
            report.put("nd4j", Worker.initNd4j(threads));
        }
        List<Map<String, Object>> results = new ArrayList<>();
        report.put("results", results);

        System.out.printf(Locale.ROOT, "threads=%d repeats=%d java-warmup=%d mode=%s%n", threads, o.repeats(), o.warmup(),
                o.fork() ? "fork" : "in-process");
        System.out.println(header());
        int failures = 0;
        for (String model : o.models()) {
            for (String task : o.tasks()) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("model", model);
                row.put("task", task);
                row.put("batch", Options.batch(task));
                Map<String, Object> j = null;
                double busyJava = settle(o, "java " + model + "/" + task);
                row.put("cpu_busy_before_java", Proc.round(busyJava, 3));
                Proc.CpuMark javaMark = Proc.CpuMark.now();
                try {
                    if (o.fork()) {
                        Map<String, Object> child = runChild(o, model, task);
                        report.putIfAbsent("nd4j", child.get("nd4j"));
                        j = (Map<String, Object>) child.get("result");
                    } else {
                        j = Worker.run(model, task, o, true);
                    }
                    row.put("java", j);
                    row.put("other_load_during_java", Proc.round(loadCheck(javaMark.otherLoad(),
                            "java " + model + "/" + task), 3));
                } catch (Exception e) {
                    failures++;
                    row.put("java", Map.of("error", String.valueOf(e.getMessage())));
                    System.err.println("java " + model + "/" + task + " failed: " + e);
                }
                Map<String, Object> t = null;
                if (torchMissing == null) {
                    double busyTorch = settle(o, "torch " + model + "/" + task);
                    row.put("cpu_busy_before_torch", Proc.round(busyTorch, 3));
                    Proc.CpuMark torchMark = Proc.CpuMark.now();
                    try {
                        t = torch.run(model, task, o.repeats());
                        row.put("other_load_during_torch", Proc.round(loadCheck(torchMark.otherLoad(),
                                "torch " + model + "/" + task), 3));
                        torchInfo.putIfAbsent("torch_version", t.get("torch_version"));
                        row.put("torch", t);
                    } catch (Exception e) {
                        failures++;
                        row.put("torch", Map.of("error", String.valueOf(e.getMessage())));
                        System.err.println("torch " + model + "/" + task + " failed: " + e);
                    }
                }
                Double ratio = null;
                if (j != null && t != null) {
                    ratio = Proc.round(num(j.get("images_per_s")) / num(t.get("images_per_s")), 3);
                }
                row.put("ratio_java_over_torch", ratio);
                results.add(row);
                System.out.println(line(model, task, j, t, ratio));
                write(report, o.out());
            }
        }
        write(report, o.out());
        System.out.println("report: " + o.out());
        return failures == 0 ? 0 : 1;
    }

    /**
     * Samples how busy the CPUs are (0.5 s), waiting up to --wait-idle seconds for them to be idle;
     * warns when other processes are using them, since that slows whichever side runs now.
     */
    private static double settle(Options o, String what) {
        long deadline = System.nanoTime() + o.waitIdleS() * 1_000_000_000L;
        double busy = Proc.cpuBusy(500);
        while (busy > IDLE_BUSY && System.nanoTime() < deadline) {
            busy = Proc.cpuBusy(1000);
        }
        if (busy > IDLE_BUSY) {
            System.err.printf(Locale.ROOT, "warning: CPUs %.0f%% busy with other work before %s: timings are noisy%n",
                    100 * busy, what);
        }
        return busy;
    }

    /** Warns when other processes kept the CPUs busy during a run; returns the load. */
    private static double loadCheck(double load, String what) {
        if (load > OTHER_LOAD_WARN) {
            System.err.printf(Locale.ROOT, "warning: other processes kept %.0f%% of the CPUs busy during %s: timings are "
                    + "noisy%n", 100 * load, what);
        }
        return load;
    }

    /** Share of all CPUs used by other processes during a run above which its timing is flagged. */
    static final double OTHER_LOAD_WARN = 0.1;

    /** Busy fraction of all CPUs below which the machine counts as idle. */
    static final double IDLE_BUSY = 0.15;

    /** Runs one model/task in a fresh JVM with this JVM's options and class path; returns its result. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> runChild(Options o, String model, String task) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Bench.class.getName());
        cmd.addAll(o.workerArgs(model, task));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String result = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String s = r.readLine(); s != null; s = r.readLine()) {
                if (s.startsWith(RESULT_MARKER)) {
                    result = s.substring(RESULT_MARKER.length());
                } else {
                    System.err.println("  [java " + model + "/" + task + "] " + s);
                }
            }
        }
        int rc = p.waitFor();
        if (rc != 0 || result == null) {
            throw new IOException("child JVM exited with " + rc + (result == null ? " and no result" : ""));
        }
        return new ObjectMapper().readValue(result, Map.class);
    }

    private static Map<String, String> envSubset() {
        Map<String, String> env = new LinkedHashMap<>();
        for (String k : List.of("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "SD_MAX_THREADS",
                "SD_MASTER_THREADS", "MALLOC_ARENA_MAX", "MALLOC_TRIM_THRESHOLD_", "MALLOC_MMAP_THRESHOLD_")) {
            String v = System.getenv(k);
            if (v != null) {
                env.put(k, v);
            }
        }
        return env;
    }

    private static double num(Object o) {
        return ((Number) o).doubleValue();
    }

    private static String header() {
        return String.format(Locale.ROOT, "%-13s %-10s %5s %12s %12s %8s %14s %14s", "model", "task", "batch",
                "java img/s", "torch img/s", "ratio", "java RSS MiB", "torch RSS MiB");
    }

    private static String line(String model, String task, Map<String, Object> j, Map<String, Object> t, Double ratio) {
        return String.format(Locale.ROOT, "%-13s %-10s %5d %12s %12s %8s %14s %14s", model, task, Options.batch(task),
                fmt(j, "images_per_s"), fmt(t, "images_per_s"), ratio == null ? "-" : String.format(Locale.ROOT, "%.3f", ratio),
                fmt(j, "peak_rss_mib"), fmt(t, "peak_rss_mib"));
    }

    private static String fmt(Map<String, Object> m, String key) {
        if (m == null || !(m.get(key) instanceof Number n)) {
            return "-";
        }
        return String.format(Locale.ROOT, "%.1f", n.doubleValue());
    }

    private static void write(Map<String, Object> report, Path out) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(out.toFile(), report);
    }
}
