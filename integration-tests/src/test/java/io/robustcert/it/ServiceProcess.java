package io.robustcert.it;

import io.robustcert.testing.kafka.KafkaBrokerProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One service as the platform runs it: {@code java -jar <service>/target/quarkus-app/quarkus-run.jar} in its
 * own process, configured through the environment, its output in a log file, ready when its readiness
 * endpoint answers 200. Stopped with SIGTERM (a clean Quarkus shutdown), killed only if that hangs.
 */
final class ServiceProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final int port;
    private final Path log;
    private final Process process;

    private ServiceProcess(String name, int port, Path log, Process process) {
        this.name = name;
        this.port = port;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts {@code service} (e.g. certifier-service, or certifier-service#2 for a second instance of it) and
     * waits until it is ready.
     */
    static ServiceProcess start(String service, Path logDir, Map<String, String> env) throws IOException {
        Path root = Path.of(System.getProperty("robustcert.root", "..")).toAbsolutePath().normalize();
        String module = service.contains("#") ? service.substring(0, service.indexOf('#')) : service;
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first (mvn package)");
        }
        int port = freePort();
        // The main job's settings (scripts/run-platform.sh; -Xmn64m and the serial collector are explained there).
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx1g", "-Xmn64m", "-XX:+UseSerialGC", "-Dorg.bytedeco.javacpp.maxbytes=2G", "-Dorg.bytedeco.javacpp.maxphysicalbytes=3G",
                "-Dorg.bytedeco.javacpp.platform.extension=-onednn", "-jar", jar.toString()));
        Files.createDirectories(logDir);
        Path log = logDir.resolve(service.replace('#', '-') + ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("QUARKUS_HTTP_PORT", Integer.toString(port));
        ServiceProcess s = new ServiceProcess(service, port, log, pb.start());
        s.awaitReady();
        return s;
    }

    int port() {
        return port;
    }

    String target() {
        return "127.0.0.1:" + port;
    }

    Path log() {
        return log;
    }

    long pid() {
        return process.pid();
    }

    boolean ready() {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The process's resident memory (VmRSS) in KiB; 0 once it is gone. */
    long rssKb() {
        return rssKb(process.pid());
    }

    /** VmRSS of a process in KiB (0 once it is gone). */
    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    /** A counter or gauge from the service's Prometheus endpoint, summed over its tags (0 when absent). */
    double metric(String name) throws IOException, InterruptedException {
        return sumOfSeries(l -> l.startsWith(name + " ") || l.startsWith(name + "{"));
    }

    /** The same, only the series whose {@code loop} tag is {@code loop}. */
    double metric(String name, String loop) throws IOException, InterruptedException {
        return sumOfSeries(l -> l.startsWith(name + "{") && l.contains("loop=\"" + loop + "\""));
    }

    private double sumOfSeries(java.util.function.Predicate<String> series) throws IOException, InterruptedException {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/q/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.body().lines().filter(series).mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " during start; see " + log);
            }
            if (ready()) {
                return;
            }
            sleep(250);
        }
        close();
        throw new IllegalStateException(name + " was not ready within " + START_TIMEOUT + "; see " + log);
    }

    /** SIGKILL: the process dies at once, nothing finished or handed back. */
    void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static int freePort() {
        return KafkaBrokerProcess.freePorts(1)[0];
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
