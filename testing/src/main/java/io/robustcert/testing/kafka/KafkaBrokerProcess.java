package io.robustcert.testing.kafka;

import io.robustcert.broker.KraftBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * A single-node KRaft broker in its own JVM ({@link KraftBroker}), for tests that stop, kill or restart the
 * broker. The ports and the data directory stay the same across restarts, so clients reconnect to the
 * same address and find the records written before.
 */
public final class KafkaBrokerProcess implements KafkaBroker {

    /** How long a start may take before it counts as failed. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    /** How long a SIGTERM may take before the process is killed. */
    public static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path dir;
    private final String classPath;
    private final List<String> jvmOptions;
    private final int port;
    private final int controllerPort;
    private Process process;

    /**
     * @param dir        the broker's state (data, server.properties, broker.log); kept across restarts
     * @param classPath  a class path holding robustcert-broker and Kafka's server jars
     * @param jvmOptions options for the broker JVM (e.g. -Xmx512m)
     */
    public KafkaBrokerProcess(Path dir, String classPath, List<String> jvmOptions) {
        this.dir = dir;
        this.classPath = classPath;
        this.jvmOptions = List.copyOf(jvmOptions);
        int[] ports = freePorts(2);
        this.port = ports[0];
        this.controllerPort = ports[1];
    }

    /** A broker under {@code dir} with this JVM's class path and a 512 MiB heap; not yet started. */
    public static KafkaBrokerProcess onThisClassPath(Path dir) {
        return new KafkaBrokerProcess(dir, System.getProperty("java.class.path"), List.of("-Xmx512m"));
    }

    /** Starts the broker and waits until it answers; a no-op while it runs. */
    public synchronized KafkaBrokerProcess start() {
        if (running()) {
            return this;
        }
        try {
            Files.createDirectories(dir);
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-cp", classPath, KraftBroker.class.getName(), "--dir", dir.toString(),
                    "--host", "127.0.0.1", "--port", Integer.toString(port),
                    "--controller-port", Integer.toString(controllerPort)));
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()));
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the Kafka broker process", e);
        }
        awaitReady();
        return this;
    }

    /** SIGTERM, as a pod or Ctrl-C would: the broker shuts down cleanly. Returns the exit code. */
    public synchronized int stop() {
        if (process == null) {
            return 0;
        }
        Process p = process;
        process = null;
        p.destroy();
        try {
            if (!p.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
            }
            return p.exitValue();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** SIGKILL: the broker dies without a clean shutdown (a crash). */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        Process p = process;
        process = null;
        try {
            p.destroyForcibly().waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public synchronized boolean running() {
        return process != null && process.isAlive();
    }

    /** The broker JVM's process id (for metrics such as RSS); -1 when not running. */
    public synchronized long pid() {
        return running() ? process.pid() : -1;
    }

    /** The broker's stdout and stderr, across restarts. */
    public Path log() {
        return dir.resolve("broker.log");
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public Kind kind() {
        return Kind.PROCESS;
    }

    @Override
    public void close() {
        stop();
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000, AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3000);
        try (Admin admin = Admin.create(config)) {
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the Kafka broker process exited with " + process.exitValue()
                            + "; its log ends:\n" + logTail());
                }
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (ExecutionException | TimeoutException e) {
                    // not up yet
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IllegalStateException("the Kafka broker did not answer within " + START_TIMEOUT
                            + "; its log ends:\n" + logTail());
                }
                Thread.sleep(200);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            kill();
            throw new IllegalStateException("interrupted while waiting for the Kafka broker", e);
        }
    }

    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log(), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** {@code n} distinct loopback ports free at the moment of the call (held together while chosen). */
    public static int[] freePorts(int n) {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[n];
            for (int i = 0; i < n; i++) {
                ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                sockets.add(s);
                ports[i] = s.getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find free ports", e);
        } finally {
            for (ServerSocket s : sockets) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // the port is free again either way
                }
            }
        }
    }
}
