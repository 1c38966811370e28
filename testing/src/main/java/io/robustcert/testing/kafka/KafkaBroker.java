package io.robustcert.testing.kafka;

/** A running Kafka broker a test can reach; closing it stops what the test started (nothing, for an external one). */
public interface KafkaBroker extends AutoCloseable {

    /** {@code host:port[,host:port...]} for {@code bootstrap.servers}. */
    String bootstrapServers();

    /** Which kind of broker this is, for logs and reports. */
    Kind kind();

    @Override
    void close();

    /** Where the broker comes from. */
    enum Kind {
        /** {@value KafkaBrokers#BOOTSTRAP_ENV}: someone else runs it. */
        EXTERNAL,
        /** Testcontainers' Kafka container, where a Docker engine answers. */
        CONTAINER,
        /** Kafka's KafkaClusterTestKit in the test JVM (one KRaft node). */
        IN_JVM,
        /** A KRaft broker in a separate process (see {@link KafkaBrokerProcess}); can be stopped, killed, restarted. */
        PROCESS
    }
}
