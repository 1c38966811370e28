package io.robustcert.testing.kafka;

/** A broker someone else runs (CI service, a developer's broker): closing it leaves it running. */
record ExternalKafkaBroker(String bootstrapServers) implements KafkaBroker {

    ExternalKafkaBroker {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers missing");
        }
    }

    @Override
    public Kind kind() {
        return Kind.EXTERNAL;
    }

    @Override
    public void close() {
        // not ours to stop
    }
}
