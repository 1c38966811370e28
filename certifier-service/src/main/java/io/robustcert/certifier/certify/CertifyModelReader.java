package io.robustcert.certifier.certify;

import io.robustcert.certifier.config.CertifierConfig;
import io.robustcert.core.attack.PgdOptions;
import io.robustcert.core.data.DatasetKind;
import io.robustcert.core.model.Network;
import io.robustcert.core.relax.FixedSlopeRule;
import io.robustcert.core.tensor.Precision;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertifyModelRequest;
import io.robustcert.v1.DatasetSlice;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleFunction;

/** Checks a CertifyModel request field by field, every problem reported at once. */
@ApplicationScoped
public class CertifyModelReader {

    /** Most epsilons per request: each one is a full evaluation. */
    static final int MAX_EPSILONS = 16;

    private final CertifierConfig config;

    public CertifyModelReader(CertifierConfig config) {
        this.config = config;
    }

    public CertifyModelJob read(CertifyModelRequest request) throws InvalidRequestException, TooMuchWorkException {
        Violations v = new Violations();
        CertifyRequestReader.checkRequestId(request.getRequestId(), v);
        DatasetSlice dataset = readDataset(request, v);
        List<Double> epsilons = new ArrayList<>();
        if (request.getEpsilonsCount() == 0) {
            v.add("epsilons", "at least one epsilon is required");
        } else if (request.getEpsilonsCount() > MAX_EPSILONS) {
            v.add("epsilons", "at most " + MAX_EPSILONS + " epsilons per request, got " + request.getEpsilonsCount());
        }
        for (int i = 0; i < request.getEpsilonsCount(); i++) {
            double eps = request.getEpsilons(i) + 0.0;
            if (!Double.isFinite(eps) || eps < 0) {
                v.add("epsilons[" + i + "]", "must be a finite number >= 0, got " + request.getEpsilons(i));
            }
            epsilons.add(eps);
        }
        Precision precision = CertifyRequestReader.readMode(request.getMode(), request.getModeValue(), v);
        FixedSlopeRule rule = CertifyRequestReader.readSlopeRule(request.getSlopeRule(), request.getSlopeRuleValue(), v);
        List<BoundMethod> wanted = request.getMethodsCount() == 0 ? CertifyRequestReader.DEFAULT_METHODS
                : request.getMethodsList();
        List<MethodChoice> methods = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            MethodChoice choice = rule == null ? null : MethodChoice.of(wanted.get(i), rule);
            if (choice == null && rule != null) {
                v.add("methods[" + i + "]", "unknown bound method " + request.getMethodsValue(i)
                        + " (expected BOUND_METHOD_IBP, BOUND_METHOD_CROWN_IBP or BOUND_METHOD_CROWN)");
            } else if (choice != null && methods.stream().anyMatch(m -> m.wire() == choice.wire())) {
                v.add("methods[" + i + "]", choice.wire() + " given twice");
            } else if (choice != null) {
                methods.add(choice);
            }
        }
        Double maxVerified = fraction(request.hasMaxVerifiedError(), request.getMaxVerifiedError(), "max_verified_error", v);
        Double maxPgd = fraction(request.hasMaxPgdError(), request.getMaxPgdError(), "max_pgd_error", v);
        DoubleFunction<PgdOptions> attack = AttackSpecs.read(request.getAttack(), "attack", v);
        Network network = CertifyRequestReader.readModel(request.getModel(), request.getArchitectureJson(), request.getModelFormat(), v);
        v.throwIfAny();
        return new CertifyModelJob(network, dataset, epsilons, methods, precision, attack, maxVerified, maxPgd);
    }

    private TooMuchWorkException tooMany(long count) {
        return new TooMuchWorkException("TOO_MANY_INPUTS", "the request asks for " + count
                + " samples; this certifier takes at most " + config.maxInputs() + " per request", count, config.maxInputs());
    }

    private DatasetSlice readDataset(CertifyModelRequest request, Violations v) throws TooMuchWorkException {
        if (!request.hasDataset()) {
            v.add("dataset", "required (dataset, split, start_index, count)");
            return null;
        }
        DatasetSlice d = request.getDataset();
        boolean ok = true;
        try {
            DatasetKind.byName(d.getDataset());
        } catch (IllegalArgumentException e) {
            v.add("dataset.dataset", e.getMessage());
            ok = false;
        }
        String split = d.getSplit().isEmpty() ? "test" : d.getSplit();
        if (!split.equals("test") && !split.equals("train")) {
            v.add("dataset.split", "must be test or train, got '" + d.getSplit() + "'");
            ok = false;
        }
        if (d.getStartIndex() < 0) {
            v.add("dataset.start_index", "must be >= 0, got " + d.getStartIndex());
            ok = false;
        }
        if (d.getCount() <= 0) {
            v.add("dataset.count", "must be > 0 (at most " + config.maxInputs() + " samples per request), got " + d.getCount());
            ok = false;
        } else if (d.getCount() > config.maxInputs()) {
            throw tooMany(d.getCount());
        }
        return ok ? d.toBuilder().setSplit(split).build() : null;
    }

    private static Double fraction(boolean present, double value, String field, Violations v) {
        if (!present) {
            return null;
        }
        if (!(value >= 0 && value <= 1)) {
            v.add(field, "must be a fraction in [0, 1], got " + value);
            return null;
        }
        return value;
    }
}
