package io.robustcert.certifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The certifier's settings ({@code robustcert.certifier.*} in application.properties). */
@ConfigMapping(prefix = "robustcert.certifier")
public interface CertifierConfig {

    /**
     * Largest gRPC message accepted, in bytes (a model file plus its inputs); a larger one is refused with
     * RESOURCE_EXHAUSTED before it is read.
     */
    @WithDefault("67108864")
    int maxMessageBytes();

    /** Most inputs one Certify request may carry; more are refused with RESOURCE_EXHAUSTED. */
    @WithDefault("10000")
    int maxInputs();

    /** CPU-heavy requests one instance runs at once; more are refused with RESOURCE_EXHAUSTED (TOO_MANY_REQUESTS). */
    @WithDefault("2")
    int maxConcurrentRequests();

    /** Inputs bounded at once; bounds do not depend on it, memory does. */
    @WithDefault("64")
    int batchSize();
}
