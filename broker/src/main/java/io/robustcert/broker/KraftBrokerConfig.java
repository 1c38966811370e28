package io.robustcert.broker;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * The configuration of a single-node KRaft broker on loopback: one process is both broker and controller,
 * every internal topic has replication factor 1, and consumer groups rebalance without the initial delay.
 *
 * @param dataDir        the log directory; kept across restarts (the node keeps its cluster id and records)
 * @param host           the address both listeners bind and advertise (loopback by default)
 * @param port           the client (PLAINTEXT) port
 * @param controllerPort the KRaft controller port
 */
public record KraftBrokerConfig(Path dataDir, String host, int port, int controllerPort) {

    public static final String DEFAULT_HOST = "127.0.0.1";

    /**
     * Settings any one-node cluster needs (this process, or an in-JVM test cluster): every internal topic
     * has one replica, a small partition count keeps start-up quick, and consumer groups rebalance at once
     * (tests and the main job start consumers one at a time: no reason to wait for more to join).
     */
    public static final Map<String, String> SINGLE_NODE_SETTINGS = Map.of(
            "num.partitions", "1",
            "offsets.topic.replication.factor", "1",
            "offsets.topic.num.partitions", "4",
            "transaction.state.log.replication.factor", "1",
            "transaction.state.log.min.isr", "1",
            "transaction.state.log.num.partitions", "4",
            "share.coordinator.state.topic.replication.factor", "1",
            "share.coordinator.state.topic.min.isr", "1",
            "group.initial.rebalance.delay.ms", "0");

    public KraftBrokerConfig {
        if (dataDir == null) {
            throw new IllegalArgumentException("data directory missing");
        }
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host missing");
        }
        checkPort("port", port);
        checkPort("controller port", controllerPort);
        if (port == controllerPort) {
            throw new IllegalArgumentException("port and controller port must differ, both are " + port);
        }
    }

    private static void checkPort(String name, int p) {
        if (p < 1 || p > 65535) {
            throw new IllegalArgumentException(name + " must be in 1..65535, got " + p);
        }
    }

    public String bootstrapServers() {
        return host + ":" + port;
    }

    /** The server.properties of this node. */
    public Properties serverProperties() {
        Properties p = new Properties();
        p.setProperty("process.roles", "broker,controller");
        p.setProperty("node.id", "1");
        p.setProperty("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        p.setProperty("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        p.setProperty("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        p.setProperty("controller.listener.names", "CONTROLLER");
        p.setProperty("inter.broker.listener.name", "PLAINTEXT");
        p.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        p.setProperty("log.dirs", dataDir.toAbsolutePath().toString());
        SINGLE_NODE_SETTINGS.forEach(p::setProperty);
        return p;
    }
}
