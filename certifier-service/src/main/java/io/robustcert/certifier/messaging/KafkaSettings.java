package io.robustcert.certifier.messaging;

import java.util.HashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * The client settings the service's Kafka clients take from the configuration: the bootstrap servers and, on
 * Kubernetes, SASL (KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_JAAS_CONFIG); and the timeouts
 * after which a client gives up on an absent broker (KAFKA_REQUEST_TIMEOUT_MS, KAFKA_DELIVERY_TIMEOUT_MS,
 * KAFKA_MAX_BLOCK_MS for the producer, KAFKA_DEFAULT_API_TIMEOUT_MS for the consumers; Kafka's defaults when
 * unset). Past them the record in hand is taken again later ({@link RecordLoop}), so they decide how soon an
 * outage shows in the logs and metrics, not whether work is lost.
 */
final class KafkaSettings {

    private static final String[] PASSED_ON = {"bootstrap.servers", "security.protocol", "sasl.mechanism", "sasl.jaas.config",
        "request.timeout.ms"};
    private static final String[] PRODUCER_ONLY = {"delivery.timeout.ms", "max.block.ms"};
    private static final String[] CONSUMER_ONLY = {"default.api.timeout.ms"};

    private KafkaSettings() {
    }

    static Map<String, Object> producer(Config config) {
        return settings(config, PRODUCER_ONLY);
    }

    static Map<String, Object> consumer(Config config) {
        return settings(config, CONSUMER_ONLY);
    }

    private static Map<String, Object> settings(Config config, String[] own) {
        Map<String, Object> props = new HashMap<>();
        for (String[] keys : new String[][] {PASSED_ON, own}) {
            for (String key : keys) {
                config.getOptionalValue("kafka." + key, String.class).ifPresent(v -> props.put(key, v));
            }
        }
        props.putIfAbsent("bootstrap.servers", "localhost:9092");
        return props;
    }
}
