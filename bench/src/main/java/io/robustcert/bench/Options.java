package io.robustcert.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Command-line options of the benchmark, parsed by hand ({@code --name value} or {@code --name=value}).
 *
 * @param models      models to run, in order
 * @param tasks       tasks to run for each model, in order
 * @param repeats     timed repeats per task (the median is reported)
 * @param warmup      untimed calls before the timed ones
 * @param out         where the JSON report goes
 * @param torchScript the PyTorch reference script
 * @param python      the interpreter that runs it
 * @param torch       whether to run the reference at all (it still needs {@code import torch} to work)
 * @param fork        run each model/task in a fresh JVM, so that its peak RSS is that task's alone
 * @param gcGrowthMib call System.gc() between repeats when RSS has grown by more than this since the task began
 * @param seed        seed of weights, inputs and labels
 * @param waitIdleS   before each run, wait up to this many seconds for the other processes to leave the CPUs idle
 * @param worker      internal: this JVM is a child that runs one model/task and prints its result
 * @param microBatch  training tasks compute their step this many samples at a time (0: the whole batch)
 */
public record Options(List<String> models, List<String> tasks, int repeats, int warmup, Path out, Path torchScript,
                      String python, boolean torch, boolean fork, long gcGrowthMib, long seed, int waitIdleS, boolean worker,
                      int microBatch) {

    public static final List<String> ALL_MODELS = List.of("mnist_small", "mnist_medium");
    public static final List<String> ALL_TASKS = List.of("forward", "ibp", "crown_ibp", "train_ibp", "train_crown_ibp", "pgd40");

    static final String USAGE = """
            usage: bench/run.sh [options]
              --repeats N          timed repeats per task, median reported (default 5)
              --warmup N           untimed warm-up calls per task on the Java side (default 2)
              --models a,b         %s (default: all)
              --tasks a,b          %s (default: all)
              --out FILE           JSON report (default bench/results/latest.json)
              --torch-script FILE  PyTorch reference (default ../shared/bench/torch_reference.py from the repo root)
              --python EXE         interpreter for the reference (default /usr/bin/python3)
              --no-torch           skip the PyTorch reference
              --in-process         run every task in this JVM (peak RSS reset per task via /proc/self/clear_refs)
              --gc-growth-mib N    System.gc() between repeats once RSS grew by N MiB in the task (default 256)
              --seed N             seed of weights, inputs and labels (default 20240601)
              --wait-idle S        before each run wait up to S s until other processes leave the CPUs idle (default 0)
              --micro-batch N      training tasks: the batch's loss and gradient N samples at a time (default 0: at once)
            Threads come from OMP_NUM_THREADS (default 2), for both Java and PyTorch.
            """.formatted(ALL_MODELS, ALL_TASKS);

    /** Parses {@code args}; relative paths are resolved against {@code repoRoot}. */
    public static Options parse(String[] args, Path repoRoot) {
        List<String> models = ALL_MODELS;
        List<String> tasks = ALL_TASKS;
        int repeats = 5;
        int warmup = 2;
        Path out = repoRoot.resolve("bench/results/latest.json");
        Path script = repoRoot.resolve("../shared/bench/torch_reference.py").normalize();
        String python = "/usr/bin/python3";
        boolean torch = true;
        boolean fork = true;
        long gcGrowth = 256;
        long seed = 20240601L;
        int waitIdle = 0;
        boolean worker = false;
        int microBatch = 0;
        List<String> rest = new ArrayList<>(Arrays.asList(args));
        for (int i = 0; i < rest.size(); i++) {
            String a = rest.get(i);
            String name = a;
            String value = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                name = a.substring(0, eq);
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "-h", "--help" -> {
                    System.out.print(USAGE);
                    System.exit(0);
                }
                case "--no-torch" -> torch = false;
                case "--in-process" -> fork = false;
                case "--fork" -> fork = true;
                case "--worker" -> worker = true;
                case "--repeats", "--warmup", "--models", "--tasks", "--out", "--torch-script", "--python",
                        "--gc-growth-mib", "--seed", "--wait-idle", "--micro-batch" -> {
                    if (value == null) {
                        if (i + 1 >= rest.size()) {
                            throw new IllegalArgumentException(name + " needs a value");
                        }
                        value = rest.get(++i);
                    }
                    switch (name) {
                        case "--repeats" -> repeats = positive(name, value, 1);
                        case "--warmup" -> warmup = positive(name, value, 0);
                        case "--models" -> models = list(name, value, ALL_MODELS);
                        case "--tasks" -> tasks = list(name, value, ALL_TASKS);
                        case "--out" -> out = repoRoot.resolve(value);
                        case "--torch-script" -> script = repoRoot.resolve(value).normalize();
                        case "--python" -> python = value;
                        case "--gc-growth-mib" -> gcGrowth = positive(name, value, 0);
                        case "--seed" -> seed = Long.parseLong(value);
                        case "--wait-idle" -> waitIdle = positive(name, value, 0);
                        case "--micro-batch" -> microBatch = positive(name, value, 0);
                        default -> throw new AssertionError(name);
                    }
                }
                default -> throw new IllegalArgumentException("unknown option '" + a + "'\n" + USAGE);
            }
        }
        return new Options(models, tasks, repeats, warmup, out, script, python, torch, fork, gcGrowth, seed, waitIdle, worker, microBatch);
    }

    /** The arguments that make a child JVM run {@code model}/{@code task} with these settings. */
    public List<String> workerArgs(String model, String task) {
        return List.of("--worker", "--models", model, "--tasks", task, "--repeats", Integer.toString(repeats),
                "--warmup", Integer.toString(warmup), "--gc-growth-mib", Long.toString(gcGrowthMib),
                "--seed", Long.toString(seed), "--micro-batch", Integer.toString(microBatch));
    }

    private static int positive(String name, String value, int min) {
        int v;
        try {
            v = Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs an integer, got '" + value + "'");
        }
        if (v < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
        }
        return v;
    }

    private static List<String> list(String name, String value, List<String> allowed) {
        List<String> items = new ArrayList<>();
        for (String s : value.split(",")) {
            String t = s.trim();
            if (t.isEmpty()) {
                continue;
            }
            if (!allowed.contains(t)) {
                throw new IllegalArgumentException(name + ": unknown '" + t + "' (expected one of " + allowed + ")");
            }
            items.add(t);
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException(name + " needs at least one of " + allowed);
        }
        return List.copyOf(items);
    }

    /** Threads for ND4J and PyTorch alike: OMP_NUM_THREADS, else 2. */
    public static int threads() {
        String env = System.getenv("OMP_NUM_THREADS");
        try {
            return env == null || env.isBlank() ? 2 : Math.max(1, Integer.parseInt(env.trim()));
        } catch (NumberFormatException e) {
            return 2;
        }
    }

    /** Batch size of a task, as in the reference. */
    public static int batch(String task) {
        return switch (task) {
            case "forward", "ibp", "pgd40", "train_ibp", "train_crown_ibp" -> 256;
            case "crown_ibp" -> 64;
            default -> throw new IllegalArgumentException("unknown task " + task);
        };
    }
}
