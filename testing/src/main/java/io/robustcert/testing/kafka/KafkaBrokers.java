package io.robustcert.testing.kafka;

import java.util.Map;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.DockerClientFactory;

/**
 * Picks the broker a test runs against, the same way everywhere: an external broker named by
 * {@value #BOOTSTRAP_ENV}; else Testcontainers' Kafka container where a Docker engine answers; else a real
 * KRaft broker in the test JVM (Kafka's KafkaClusterTestKit). Tests that must stop or restart the broker
 * use {@link KafkaBrokerProcess} instead.
 */
public final class KafkaBrokers {

    /** Names an external broker ({@code host:port,...}); when set, tests start no broker of their own. */
    public static final String BOOTSTRAP_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    /** The version of the Kafka clients (and of the in-JVM broker and the container image). */
    public static final String KAFKA_VERSION = AppInfoParser.getVersion();

    private KafkaBrokers() {
    }

    /** Starts (or names) the broker for this environment. */
    public static KafkaBroker start() {
        return start(System.getenv(), KafkaBrokers::dockerAvailable);
    }

    /** The choice of {@link #start()}, from the given environment and Docker probe. */
    static KafkaBroker start(Map<String, String> env, BooleanSupplier docker) {
        return switch (choose(env, docker)) {
            case EXTERNAL -> new ExternalKafkaBroker(env.get(BOOTSTRAP_ENV).strip());
            case CONTAINER -> new ContainerKafkaBroker();
            case IN_JVM -> new InJvmKafkaBroker();
            case PROCESS -> throw new IllegalStateException("never chosen: start a KafkaBrokerProcess directly");
        };
    }

    static KafkaBroker.Kind choose(Map<String, String> env, BooleanSupplier docker) {
        String external = env.get(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            return KafkaBroker.Kind.EXTERNAL;
        }
        return docker.getAsBoolean() ? KafkaBroker.Kind.CONTAINER : KafkaBroker.Kind.IN_JVM;
    }

    /** Whether a Docker engine answers (about 0.3 s where none runs; Testcontainers logs an ERROR line then). */
    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }
}
