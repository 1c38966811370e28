package io.robustcert.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The broker choice, and a record round-trip through each kind of broker this machine has. */
@ExtendWith(KafkaBrokerExtension.class)
class KafkaBrokersTest {

    @Test
    void choosesExternalThenContainerThenInJvm() {
        assertEquals(KafkaBroker.Kind.EXTERNAL, KafkaBrokers.choose(Map.of(KafkaBrokers.BOOTSTRAP_ENV, "h:1"), () -> true));
        assertEquals(KafkaBroker.Kind.CONTAINER, KafkaBrokers.choose(Map.of(KafkaBrokers.BOOTSTRAP_ENV, " "), () -> true));
        assertEquals(KafkaBroker.Kind.IN_JVM, KafkaBrokers.choose(Map.of(), () -> false));
    }

    /** Whatever this environment gives (here: the in-JVM KRaft broker unless KAFKA_BOOTSTRAP_SERVERS is set). */
    @Test
    void recordRoundTripsThroughTheChosenBroker(KafkaBroker broker) throws Exception {
        RoundTrip.check(broker.bootstrapServers());
    }

    /** The external path, pointed at the broker this run already has. */
    @Test
    void recordRoundTripsThroughAnExternalBroker(KafkaBroker running) throws Exception {
        try (KafkaBroker external = KafkaBrokers.start(Map.of(KafkaBrokers.BOOTSTRAP_ENV, running.bootstrapServers()), () -> false)) {
            assertEquals(KafkaBroker.Kind.EXTERNAL, external.kind());
            RoundTrip.check(external.bootstrapServers());
        }
    }

    @Test
    void recordRoundTripsThroughTheContainerWhereDockerRuns() throws Exception {
        assumeTrue(KafkaBrokers.dockerAvailable(), "no Docker engine here");
        try (KafkaBroker container = new ContainerKafkaBroker()) {
            RoundTrip.check(container.bootstrapServers());
        }
    }
}
