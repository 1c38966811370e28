package io.robustcert.certifier.certify;

import io.robustcert.certifier.config.FlowConfig;
import io.robustcert.certifier.flow.DatasetShelf;
import io.robustcert.certifier.flow.Samples;
import io.robustcert.certifier.report.ErrorRatesRows;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.core.bound.BoundMethod;
import io.robustcert.core.eval.EvaluationReport;
import io.robustcert.core.eval.EvaluationSettings;
import io.robustcert.core.eval.Evaluator;
import io.robustcert.core.eval.Gate;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.CertifyModelResponse;
import io.robustcert.v1.ComputeMode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * CertifyModel: core's {@link Evaluator} (clean pass, attack, bounds, soundness cross-check) at each ε on
 * the named catalog samples, and core's {@link Gate} on each table: what {@code robustcert certify} does
 * locally, so a remote run prints the same table and takes the same exit code.
 */
@ApplicationScoped
public class ModelEvaluation {

    private final DatasetShelf datasets;
    private final FlowConfig config;
    private final CertificationMetrics metrics;

    public ModelEvaluation(DatasetShelf datasets, FlowConfig config, CertificationMetrics metrics) {
        this.datasets = datasets;
        this.config = config;
        this.metrics = metrics;
    }

    /** CPU-bound: call it off the event loop. */
    public CertifyModelResponse evaluate(CertifyModelJob job) throws CheckpointException, InvalidRequestException {
        Samples samples = datasets.slice(job.dataset());
        List<BoundMethod> engines = job.methods().stream().map(MethodChoice::engine).toList();
        Map<io.robustcert.v1.BoundMethod, String> labels = new LinkedHashMap<>();
        job.methods().forEach(m -> labels.put(m.wire(), m.engine().label()));
        ComputeMode mode = job.precision() == Precision.SOUND ? ComputeMode.COMPUTE_MODE_SOUND : ComputeMode.COMPUTE_MODE_FAST;
        Gate gate = new Gate(job.maxVerifiedError() == null ? 0.0 : 1.0 - job.maxVerifiedError(), job.maxPgdError());
        CertifyModelResponse.Builder response = CertifyModelResponse.newBuilder().setPassed(true);
        for (double eps : job.epsilons()) {
            EvaluationReport report;
            try {
                report = new Evaluator(new EvaluationSettings(job.attack().apply(eps), engines, job.precision(),
                        config.batchSize())).evaluate(job.network(), samples.inputs(), samples.labels(), samples.name());
            } catch (IllegalArgumentException e) {
                Violations v = new Violations();
                v.add("model", "does not fit " + samples.name() + ": " + e.getMessage());
                v.throwIfAny();
                throw e;
            }
            response.addAllRates(ErrorRatesRows.of(report.table(), labels, mode));
            for (String method : labels.values()) {
                long verified = report.samples().stream().filter(s -> Boolean.TRUE.equals(s.verifiedBy().get(method))).count();
                metrics.record(method, job.precision().label(), samples.size(), verified);
            }
            Gate.Decision decision = gate.decide(report);
            if (decision.outcome() != Gate.Outcome.PASS) {
                response.setPassed(false);
                decision.reasons().forEach(r -> response.addReasons(String.format(Locale.ROOT, "eps %s: %s", eps, r)));
            }
            response.setUnsound(response.getUnsound() || report.unsound());
        }
        return response.build();
    }
}
