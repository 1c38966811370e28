package io.robustcert.testing.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Quarkus test resource hands the application the broker's address, and stops what it started. */
class KafkaTestResourceTest {

    @Test
    void givesKafkaBootstrapServersOfARealBroker() throws Exception {
        KafkaTestResource resource = new KafkaTestResource();
        try {
            Map<String, String> config = resource.start();
            assertEquals(1, config.size());
            RoundTrip.check(config.get("kafka.bootstrap.servers"));
        } finally {
            resource.stop();
        }
    }
}
