package io.robustcert.testing.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * Quarkus test resource: {@code @QuarkusTestResource(KafkaTestResource.class)} (or
 * {@code @WithTestResource}) gives the application {@code kafka.bootstrap.servers} of the broker
 * {@link KafkaBrokers#start()} picks. Set {@code quarkus.kafka.devservices.enabled=false} in the
 * service's %test profile, else Quarkus looks for Docker itself.
 */
public final class KafkaTestResource implements QuarkusTestResourceLifecycleManager {

    private KafkaBroker broker;

    @Override
    public Map<String, String> start() {
        broker = KafkaBrokers.start();
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers());
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }
}
