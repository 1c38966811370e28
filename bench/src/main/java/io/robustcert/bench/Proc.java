package io.robustcert.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What Linux says about a process and the machine, from /proc. */
public final class Proc {

    private Proc() {
    }

    /** A field of /proc/PID/status in MiB ("VmRSS", "VmHWM"), or -1 when it cannot be read. */
    public static double statusMib(String pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
                if (line.startsWith(field + ":")) {
                    String[] parts = line.substring(field.length() + 1).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the process ended, or no /proc
        }
        return -1;
    }

    /** Current resident set of this process, MiB. */
    public static double rssMib() {
        return statusMib("self", "VmRSS");
    }

    /** Peak resident set of this process since it started or since {@link #resetPeak()}, MiB. */
    public static double peakRssMib() {
        return statusMib("self", "VmHWM");
    }

    /**
     * Resets VmHWM to the current RSS (writing 5 to /proc/self/clear_refs, Linux 4.0+).
     *
     * @return whether the kernel accepted it
     */
    public static boolean resetPeak() {
        try {
            Files.writeString(Path.of("/proc/self/clear_refs"), "5");
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Machine facts for the report. */
    public static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        String model = null;
        int logical = 0;
        boolean avx512 = false;
        boolean avx2 = false;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name") && model == null) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("processor")) {
                    logical++;
                } else if (line.startsWith("flags")) {
                    List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
                    avx512 |= flags.contains("avx512f");
                    avx2 |= flags.contains("avx2");
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        m.put("cpu_model", model);
        m.put("cpus_in_cpuinfo", logical);
        m.put("available_processors", Runtime.getRuntime().availableProcessors());
        m.put("avx2", avx2);
        m.put("avx512f", avx512);
        m.put("memory_total_mib", meminfoMib("MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        return m;
    }

    private static double meminfoMib(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * Fraction of all CPUs' time spent busy (not idle, not waiting for I/O) over the next {@code millis}
     * ms, from /proc/stat; -1 when unknown. Other processes' load makes both sides' timings noisy.
     */
    public static double cpuBusy(long millis) {
        long[] a = cpuTimes();
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
        long[] b = cpuTimes();
        if (a == null || b == null || b[0] <= a[0]) {
            return -1;
        }
        return 1.0 - (double) (b[1] - a[1]) / (b[0] - a[0]);
    }

    /** {total, idle + iowait} jiffies (clock ticks, 1/100 s) of all CPUs, from /proc/stat; null when unknown. */
    public static long[] cpuTimes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu ")) {
                    String[] f = line.trim().split("\\s+");
                    long total = 0;
                    for (int i = 1; i < f.length && i <= 8; i++) { // user..steal; guest is counted in user
                        total += Long.parseLong(f[i]);
                    }
                    return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
                }
            }
        } catch (IOException | RuntimeException e) {
            // no /proc
        }
        return null;
    }

    /** CPU seconds (user + system) a process has used so far, from /proc/PID/stat; -1 when unknown. */
    public static double cpuSeconds(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / (double) TICKS_PER_S;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** USER_HZ, the unit of /proc's CPU times: 100 on every Linux architecture the JDK runs on. */
    static final int TICKS_PER_S = 100;

    /**
     * CPU seconds used by this process plus its children that have been waited for (utime, stime,
     * cutime, cstime of /proc/self/stat); -1 when unknown.
     */
    public static double treeCpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
            return ticks / (double) TICKS_PER_S;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A moment, so that {@link #otherLoad} can later say how much CPU other processes used since. */
    public record CpuMark(long[] machine, double tree, long nanos) {
        public static CpuMark now() {
            return new CpuMark(cpuTimes(), treeCpuSeconds(), System.nanoTime());
        }

        /**
         * Average share of all CPUs kept busy since this mark by processes other than this one and the
         * children it has waited for since (all machine busy time from /proc/stat minus theirs); -1 when unknown.
         */
        public double otherLoad() {
            long[] end = cpuTimes();
            double tree = treeCpuSeconds();
            double wall = (System.nanoTime() - nanos) / 1e9;
            if (machine == null || end == null || this.tree < 0 || tree < 0 || wall <= 0) {
                return -1;
            }
            double busy = ((end[0] - machine[0]) - (end[1] - machine[1])) / (double) TICKS_PER_S;
            double cpus = Math.max(1, Runtime.getRuntime().availableProcessors());
            return Math.max(0, (busy - (tree - this.tree)) / (wall * cpus));
        }
    }

    static double round(double v, int digits) {
        double f = Math.pow(10, digits);
        return Math.round(v * f) / f;
    }
}
