package io.robustcert.it;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.robustcert.core.testing.RealMnist;
import io.robustcert.testing.kafka.KafkaBrokerProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The platform on loopback, every part its own process: a KRaft broker and the trainer, certifier and
 * attack services sharing one checkpoint store and the real MNIST files. Closing stops the services,
 * then the broker.
 */
final class Platform implements AutoCloseable {

    final Path dir;
    final Path store;
    final KafkaBrokerProcess broker;
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> environments = new LinkedHashMap<>();
    private final Map<String, ManagedChannel> channels = new LinkedHashMap<>();
    private int restarts;

    private Platform(Path dir, KafkaBrokerProcess broker) {
        this.dir = dir;
        this.store = dir.resolve("store");
        this.broker = broker;
    }

    /**
     * A broker and the named services (trainer-service, certifier-service, attack-service; a second instance
     * of one as {@code certifier-service#2}), with extra environment.
     */
    static Platform start(String name, List<String> serviceNames, Map<String, String> extraEnv) throws IOException {
        return start(name, serviceNames, extraEnv, broker -> { });
    }

    /** The same, with {@code beforeServices} run on the started broker first (to create topics, say). */
    static Platform start(String name, List<String> serviceNames, Map<String, String> extraEnv,
                          java.util.function.Consumer<KafkaBrokerProcess> beforeServices) throws IOException {
        return start(name, serviceNames, extraEnv, Map.of(), beforeServices);
    }

    /** The same, with environment for single services on top ({@code perService}, by service name). */
    static Platform start(String name, List<String> serviceNames, Map<String, String> extraEnv,
                          Map<String, Map<String, String>> perService,
                          java.util.function.Consumer<KafkaBrokerProcess> beforeServices) throws IOException {
        Path dir = Path.of(System.getProperty("robustcert.it.dir", "target/platform")).toAbsolutePath().resolve(name);
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(dir.resolve("store"));
        KafkaBrokerProcess broker = KafkaBrokerProcess.onThisClassPath(dir.resolve("kafka")).start();
        Platform p = new Platform(dir, broker);
        try {
            beforeServices.accept(broker);
            for (String s : serviceNames) {
                Map<String, String> env = new LinkedHashMap<>();
                env.put("KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers());
                env.put("ROBUSTCERT_STORE_ROOT", p.store.toString());
                env.put("ROBUSTCERT_DATA_DIR", RealMnist.dataDir().toString());
                env.putAll(extraEnv);
                env.putAll(perService.getOrDefault(s, Map.of()));
                p.environments.put(s, env);
                p.services.put(s, ServiceProcess.start(s, dir.resolve("logs"), env));
            }
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        return p;
    }

    ServiceProcess service(String name) {
        ServiceProcess s = services.get(name);
        if (s == null) {
            throw new IllegalArgumentException(name + " is not running in this platform");
        }
        return s;
    }

    /** Kills a service with SIGKILL and starts it again with the same settings (its log goes on in a new file). */
    ServiceProcess killAndRestart(String name) throws IOException {
        service(name).kill();
        return restart(name);
    }

    /** Stops a service with SIGTERM (a clean shutdown) and starts it again with the same settings. */
    ServiceProcess stopAndRestart(String name) throws IOException {
        service(name).close();
        return restart(name);
    }

    /** Starts a stopped or killed service again with the same settings (its log goes on in a new file). */
    ServiceProcess restart(String name) throws IOException {
        restarts++;
        ServiceProcess again = ServiceProcess.start(name + "#restart-" + restarts, dir.resolve("logs"), environments.get(name));
        services.put(name, again);
        return again;
    }

    /** A plaintext channel to a service (one per running process, reused), closed with the platform. */
    synchronized ManagedChannel channel(String name) {
        return channels.computeIfAbsent(service(name).target(), target -> NettyChannelBuilder.forTarget(target)
                .usePlaintext().maxInboundMessageSize(64 << 20).build());
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) {
            c.shutdownNow();
            try {
                c.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        List<ServiceProcess> running = new ArrayList<>(services.values());
        java.util.Collections.reverse(running);
        running.forEach(ServiceProcess::close);
        broker.close();
    }
}
