package io.robustcert.testing.kafka;

import org.testcontainers.kafka.KafkaContainer;

/** Testcontainers' Apache Kafka container (KRaft), at the version of the Kafka clients. */
final class ContainerKafkaBroker implements KafkaBroker {

    static final String IMAGE = "apache/kafka:" + KafkaBrokers.KAFKA_VERSION;

    private final KafkaContainer container;

    ContainerKafkaBroker() {
        container = new KafkaContainer(IMAGE);
        container.start();
    }

    @Override
    public String bootstrapServers() {
        return container.getBootstrapServers();
    }

    @Override
    public Kind kind() {
        return Kind.CONTAINER;
    }

    @Override
    public void close() {
        container.stop();
    }
}
