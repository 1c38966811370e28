package io.robustcert.certifier.report;

import io.robustcert.core.eval.ErrorTable;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.ShardFailure;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything known of one checkpoint: its announcement (what the plan expects) and the certification and
 * attack results, each kept once under its idempotent key, so the report is the same whatever the order
 * and repetition of the results. Figures come from core's {@link ErrorTable} over the joined per-sample
 * verdicts, exactly as the CLI's evaluation counts them.
 */
final class CheckpointResults {

    /** Joined certification and attack of one (ε, method); the alarmed sample indices. */
    record Join(double epsilon, BoundMethod method, List<Integer> alarmed) {
    }

    private final String checkpointId;
    private CheckpointCreated announcement;
    private List<String> expectedCertificates = List.of();
    private List<Double> expectedAttacks = List.of();
    private final Map<String, CertificationCompleted> certificates = new TreeMap<>();
    private final Map<String, AttackCompleted> attacks = new TreeMap<>();

    CheckpointResults(String checkpointId) {
        this.checkpointId = checkpointId;
    }

    /** The plan's expectations: one certificate per (ε, method label), one attack per ε. */
    void announce(CheckpointCreated event, List<Double> epsilons, List<BoundMethod> methods) {
        announcement = event;
        List<String> certs = new ArrayList<>();
        for (double eps : epsilons) {
            for (BoundMethod m : methods) {
                certs.add(eps + "|" + m);
            }
        }
        expectedCertificates = certs;
        expectedAttacks = List.copyOf(epsilons);
    }

    /** False when an equal-keyed result was already in (a duplicate). */
    boolean add(CertificationCompleted c) {
        return certificates.putIfAbsent(c.getEpsilon() + "|" + c.getMethod(), c) == null;
    }

    boolean add(AttackCompleted a) {
        return attacks.putIfAbsent(Double.toString(a.getEpsilon()), a) == null;
    }

    /** Every (ε, method) whose certification and attack are both in and cover the same samples. */
    List<Join> joins() {
        List<Join> out = new ArrayList<>();
        for (CertificationCompleted c : certificates.values()) {
            AttackCompleted a = attacks.get(Double.toString(c.getEpsilon()));
            if (!joinable(c, a)) {
                continue;
            }
            List<Integer> alarmed = new ArrayList<>();
            for (int i = 0; i < c.getVerifiedCount(); i++) {
                if (c.getVerified(i) && a.getBroken(i)) {
                    alarmed.add(c.getShard().getStartIndex() + i);
                }
            }
            out.add(new Join(c.getEpsilon(), c.getMethod(), alarmed));
        }
        return out;
    }

    private static boolean joinable(CertificationCompleted c, AttackCompleted a) {
        return a != null && !c.hasFailure() && !a.hasFailure() && c.getDataset().equals(a.getDataset())
                && c.getVerifiedCount() == a.getBrokenCount() && c.getVerifiedCount() > 0;
    }

    EvaluationReport report(long alarms) {
        EvaluationReport.Builder r = EvaluationReport.newBuilder().setSoundnessAlarms(alarms);
        if (announcement != null) {
            r.setCheckpoint(announcement.getCheckpoint()).setTrainingId(announcement.getTrainingId())
                    .setEpoch(announcement.getEpoch());
        } else {
            r.getCheckpointBuilder().setCheckpointId(checkpointId);
        }
        Map<Double, Map<BoundMethod, CertificationCompleted>> byEpsilon = new TreeMap<>();
        for (CertificationCompleted c : certificates.values()) {
            if (joinable(c, attacks.get(Double.toString(c.getEpsilon())))) {
                byEpsilon.computeIfAbsent(c.getEpsilon(), e -> new LinkedHashMap<>()).put(c.getMethod(), c);
            }
        }
        byEpsilon.forEach((eps, certs) -> rates(r, eps, certs, attacks.get(Double.toString(eps))));
        boolean failed = false;
        for (CertificationCompleted c : certificates.values()) {
            if (c.hasFailure()) {
                failed = true;
                r.addFailedShards(ShardFailure.newBuilder().setShard(c.getShard()).setStage("certification")
                        .setFailure(c.getFailure()));
            }
        }
        for (AttackCompleted a : attacks.values()) {
            if (a.hasFailure()) {
                failed = true;
                r.addFailedShards(ShardFailure.newBuilder().setShard(a.getShard()).setStage("attack")
                        .setFailure(a.getFailure()));
            }
        }
        boolean complete = announcement != null
                && certificates.keySet().containsAll(expectedCertificates)
                && expectedAttacks.stream().allMatch(e -> attacks.containsKey(Double.toString(e)));
        return r.setShardsTotal(1).setShardsComplete(complete || failed ? 1 : 0).setComplete(complete).build();
    }

    /** One row per method and one for the best of them (method unspecified), as the CLI's table. */
    private static void rates(EvaluationReport.Builder r, double eps, Map<BoundMethod, CertificationCompleted> certs,
                              AttackCompleted attack) {
        CertificationCompleted first = certs.values().iterator().next();
        Map<String, boolean[]> verified = new LinkedHashMap<>();
        Map<BoundMethod, String> labels = new LinkedHashMap<>();
        certs.forEach((m, c) -> {
            verified.put(m.name(), flags(c.getVerifiedList()));
            labels.put(m, m.name());
        });
        ErrorTable table = ErrorTable.of(flags(first.getCorrectList()), flags(attack.getBrokenList()), verified, eps,
                first.getMode().name());
        r.addAllRates(ErrorRatesRows.of(table, labels, first.getMode()));
    }

    private static boolean[] flags(List<Boolean> list) {
        boolean[] b = new boolean[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }
}
