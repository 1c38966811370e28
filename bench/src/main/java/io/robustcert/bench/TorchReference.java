package io.robustcert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** The PyTorch reference, run as a child process for one model/task at a time. */
public final class TorchReference {

    private final String python;
    private final Path script;
    private final int threads;

    public TorchReference(String python, Path script, int threads) {
        this.python = python;
        this.script = script;
        this.threads = threads;
    }

    /** Null when the reference can run here, else why not. */
    public String unavailableReason() {
        if (!Files.isRegularFile(script)) {
            return "no reference script at " + script;
        }
        try {
            Process p = new ProcessBuilder(python, "-c", "import torch").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return python + " -c 'import torch' did not finish";
            }
            return p.exitValue() == 0 ? null : python + " cannot import torch";
        } catch (IOException e) {
            return "cannot run " + python + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    /**
     * Runs the reference for one model and task and returns its numbers: images_per_s, median_s,
     * batch, the torch version, the child's peak RSS (VmHWM polled every 100 ms while it runs).
     */
    public Map<String, Object> run(String model, String task, int repeats) throws IOException, InterruptedException {
        List<String> cmd = List.of(python, script.toString(), "--models", model, "--tasks", task,
                "--repeats", Integer.toString(repeats), "--threads", Integer.toString(threads));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(p.getInputStream()));
        String pid = Long.toString(p.pid());
        double peak = -1;
        while (!p.waitFor(100, TimeUnit.MILLISECONDS)) {
            peak = Math.max(peak, Proc.statusMib(pid, "VmHWM"));
        }
        String text = new String(stdout.join(), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("reference exited with " + p.exitValue() + ": " + String.join(" ", cmd));
        }
        JsonNode root = new ObjectMapper().readTree(text);
        JsonNode t = root.path("models").path(model).path(task);
        if (!t.has("images_per_s")) {
            throw new IOException("reference printed no result for " + model + "/" + task + ": " + text);
        }
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("batch", t.path("batch").asInt());
        r.put("images_per_s", t.path("images_per_s").asDouble());
        r.put("median_s", t.path("seconds").asDouble());
        r.put("repeats", repeats);
        r.put("threads", root.path("threads").asInt());
        r.put("torch_version", root.path("torch").asText());
        r.put("peak_rss_mib", peak < 0 ? null : Proc.round(peak, 1));
        r.put("command", String.join(" ", cmd));
        return r;
    }

    private static byte[] readAll(InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            return new byte[0];
        }
    }
}
