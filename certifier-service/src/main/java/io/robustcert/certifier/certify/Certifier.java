package io.robustcert.certifier.certify;

import io.robustcert.certifier.config.CertifierConfig;
import io.robustcert.core.bound.MarginBounds;
import io.robustcert.core.io.LabeledInputs;
import io.robustcert.v1.CertifyResponse;
import io.robustcert.v1.ComputeMode;
import io.robustcert.v1.MethodResult;
import io.robustcert.v1.SampleBounds;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Arrays;

/**
 * Runs a checked {@link CertifyJob} through core's bound methods, a batch at a time, and counts what it
 * certified ({@link CertificationMetrics}). No math here: core computes every number.
 */
@ApplicationScoped
public class Certifier {

    private final CertifierConfig config;
    private final CertificationMetrics metrics;

    public Certifier(CertifierConfig config, CertificationMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** CPU-bound: call it off the event loop. */
    public CertifyResponse certify(CertifyJob job) throws InvalidRequestException {
        CertifyResponse.Builder response = CertifyResponse.newBuilder();
        for (MethodChoice method : job.methods()) {
            response.addResults(run(job, method));
        }
        return response.build();
    }

    private MethodResult run(CertifyJob job, MethodChoice method) throws InvalidRequestException {
        ComputeMode mode = job.precision().sound() ? ComputeMode.COMPUTE_MODE_SOUND : ComputeMode.COMPUTE_MODE_FAST;
        MethodResult.Builder result = MethodResult.newBuilder().setMethod(method.wire()).setMode(mode)
                .setSlopeRule(method.slopeRule()).setEpsilon(job.ball().epsilon());
        int n = job.inputs().length;
        long verified = 0;
        for (int start = 0; start < n; start += config.batchSize()) {
            int end = Math.min(n, start + config.batchSize());
            LabeledInputs chunk = new LabeledInputs(Arrays.copyOfRange(job.inputs(), start, end),
                    Arrays.copyOfRange(job.labels(), start, end));
            MarginBounds bounds;
            try {
                bounds = method.engine().compute(job.network(), chunk.tensor(), chunk.labels(), job.ball(), job.precision());
            } catch (IllegalArgumentException e) {
                // core refuses inputs it cannot bound (the reader checks everything it knows of first)
                Violations v = new Violations();
                v.add("inputs", e.getMessage());
                v.throwIfAny();
                throw e;
            }
            for (int i = 0; i < bounds.size(); i++) {
                SampleBounds.Builder sample = SampleBounds.newBuilder().setVerified(bounds.verified(i));
                for (double lower : bounds.lowerRow(i)) {
                    sample.addMarginLowerBounds(lower);
                }
                result.addSamples(sample);
            }
            verified += bounds.verifiedCount();
        }
        double fraction = (double) verified / n;
        metrics.record(method.engine().label(), job.precision().label(), n, verified);
        return result.setVerifiedCount(verified).setVerifiedFraction(fraction).build();
    }
}
