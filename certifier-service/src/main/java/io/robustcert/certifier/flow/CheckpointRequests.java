package io.robustcert.certifier.flow;

import io.robustcert.certifier.certify.MethodChoice;
import io.robustcert.certifier.messaging.EventPublisher;
import io.robustcert.certifier.report.ReportBook;
import io.robustcert.certifier.store.CheckpointException;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/**
 * Certification of an announced checkpoint, from the flow (CheckpointCreated) or on request
 * (CertifyCheckpoint): the report learns the plan, the results are computed once per key, published, and
 * added to the report (where a later redelivery of the same results changes nothing).
 */
@ApplicationScoped
public class CheckpointRequests {

    private final CheckpointCertifier certifier;
    private final ReportBook reports;
    private final EventPublisher publisher;

    public CheckpointRequests(CheckpointCertifier certifier, ReportBook reports, EventPublisher publisher) {
        this.certifier = certifier;
        this.reports = reports;
        this.publisher = publisher;
    }

    /** CPU-bound; returns the checkpoint's report after its certification. */
    public EvaluationReport certify(CheckpointCreated event) throws CheckpointException {
        ResolvedPlan plan = ResolvedPlan.of(event);
        String id = event.getCheckpoint().getCheckpointId();
        reports.announce(event, plan.epsilons(), plan.methods().stream().map(MethodChoice::wire).toList());
        List<CertificationCompleted> results = certifier.certify(event);
        for (CertificationCompleted c : results) {
            CertificationCompleted sent = c.toBuilder().setMeta(publisher.meta(event.getMeta().getEventId())).build();
            publisher.send(Topics.CERTIFICATES, id, sent);
            reports.add(sent);
        }
        certifier.markProduced(event, results);
        return reports.get(id).orElseThrow();
    }
}
