package io.robustcert.certifier.certify;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What the certifier certified, for Prometheus: {@code robustcert_certifier_images_total} (its rate is
 * images/s) and {@code robustcert_certifier_verified_total} per method and mode, and the certified fraction
 * of each request or checkpoint ({@code robustcert_certifier_certified_fraction}).
 */
@ApplicationScoped
public class CertificationMetrics {

    private final MeterRegistry metrics;

    public CertificationMetrics(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public void record(String method, String mode, long images, long verified) {
        String[] tags = {"method", method, "mode", mode};
        metrics.counter("robustcert.certifier.images", tags).increment(images);
        metrics.counter("robustcert.certifier.verified", tags).increment(verified);
        DistributionSummary.builder("robustcert.certifier.certified.fraction").tags(tags)
                .description("fraction of a request's inputs proved robust").register(metrics)
                .record(images == 0 ? 0 : (double) verified / images);
    }
}
