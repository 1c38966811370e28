package io.robustcert.attack.messaging;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * The client settings every Kafka client of the service shares: the bootstrap servers and, on
 * Kubernetes, SASL (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG).
 */
final class KafkaSettings {

    private static final String[] PASSED_ON = {"bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config"};

    private KafkaSettings() {
    }

    static Map<String, Object> common(Config config) {
        Map<String, Object> props = new HashMap<>();
        for (String key : PASSED_ON) {
            config.getOptionalValue("kafka." + key, String.class).ifPresent(v -> props.put(key, v));
        }
        props.putIfAbsent("bootstrap.servers", "localhost:9092");
        return props;
    }
}
