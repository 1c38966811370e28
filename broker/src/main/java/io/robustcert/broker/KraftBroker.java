package io.robustcert.broker;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.kafka.common.Uuid;

/**
 * Runs a single-node KRaft broker in this JVM from Kafka's own classes: writes {@code server.properties}
 * under the state directory, formats the log directory on first start (the cluster id is kept in
 * {@code cluster.id}, so a restart finds its records), then hands over to {@code kafka.Kafka}, which stops
 * cleanly on SIGTERM.
 *
 * <pre>java -cp robustcert-broker.jar:lib/* io.robustcert.broker.KraftBroker --dir DIR [--port 9092]
 *     [--controller-port 9093] [--host 127.0.0.1]</pre>
 *
 * Meant to be its own process (the main job; tests that stop and restart the broker): {@code kafka.Kafka}
 * exits the JVM when the broker stops.
 */
public final class KraftBroker {

    static final String USAGE = "usage: KraftBroker --dir DIR [--port 9092] [--controller-port 9093] [--host 127.0.0.1]";

    private KraftBroker() {
    }

    public static void main(String[] args) throws IOException {
        KraftBrokerConfig config;
        try {
            config = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        Path properties = prepare(config);
        System.out.println("robustcert broker: starting on " + config.bootstrapServers() + " (data " + config.dataDir() + ")");
        System.out.flush();
        kafka.Kafka.main(new String[] {properties.toString()});
    }

    /** Parses the command line; every value is checked before anything is written. */
    static KraftBrokerConfig parse(String[] args) {
        Path dir = null;
        String host = KraftBrokerConfig.DEFAULT_HOST;
        int port = 9092;
        int controllerPort = 9093;
        for (int i = 0; i < args.length; i++) {
            String name = args[i];
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException(name + " needs a value");
            }
            String value = args[++i];
            switch (name) {
                case "--dir" -> dir = Path.of(value);
                case "--host" -> host = value;
                case "--port" -> port = parsePort(name, value);
                case "--controller-port" -> controllerPort = parsePort(name, value);
                default -> throw new IllegalArgumentException("unknown option " + name);
            }
        }
        if (dir == null) {
            throw new IllegalArgumentException("--dir is required");
        }
        return new KraftBrokerConfig(dir, host, port, controllerPort);
    }

    private static int parsePort(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a port number, got '" + value + "'");
        }
    }

    /**
     * Writes {@code DIR/server.properties} and formats {@code DIR/data} unless it already is. Returns the
     * properties file.
     */
    static Path prepare(KraftBrokerConfig config) throws IOException {
        Path state = config.dataDir();
        Files.createDirectories(state);
        KraftBrokerConfig nodeConfig = new KraftBrokerConfig(state.resolve("data"), config.host(), config.port(),
                config.controllerPort());
        Path properties = state.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(properties)) {
            nodeConfig.serverProperties().store(out, "robustcert single-node KRaft broker");
        }
        Path idFile = state.resolve("cluster.id");
        if (!Files.exists(idFile)) {
            Files.writeString(idFile, Uuid.randomUuid().toString(), StandardCharsets.US_ASCII);
        }
        String clusterId = Files.readString(idFile, StandardCharsets.US_ASCII).strip();
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        int rc = kafka.tools.StorageTool.execute(new String[] {
            "format", "--ignore-formatted", "-t", clusterId, "-c", properties.toString()}, quiet);
        if (rc != 0) {
            throw new IOException("formatting " + nodeConfig.dataDir() + " failed (StorageTool exit " + rc + ")");
        }
        return properties;
    }

}
