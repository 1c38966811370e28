package io.robustcert.certifier.report;

import io.robustcert.core.eval.ErrorTable;
import io.robustcert.v1.AttackCompleted;
import io.robustcert.v1.BoundMethod;
import io.robustcert.v1.CertificationCompleted;
import io.robustcert.v1.CheckpointCreated;
import io.robustcert.v1.EvaluationReport;
import io.robustcert.v1.ShardFailure;
import io.robustcert.v1.ShardRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything known of one checkpoint: its announcement (what the plan expects: ε × method × shard
 * certificates and ε × shard attacks) and the certification and attack results, each kept once under its
 * idempotent key, so the report is the same whatever the order and repetition of the results. Figures come
 * from core's {@link ErrorTable} over the joined per-sample verdicts of the shards that are in, concatenated
 * in shard order, exactly as the CLI's evaluation counts them.
 */
final class CheckpointResults {

    /** Joined certification and attack of one (ε, method, shard); the alarmed sample indices of the slice. */
    record Join(double epsilon, BoundMethod method, int shard, List<Integer> alarmed) {
    }

    private final String checkpointId;
    private CheckpointCreated announcement;
    private List<Double> epsilons = List.of();
    private List<BoundMethod> methods = List.of();
    private int shardCount = 1;
    private final Map<String, CertificationCompleted> certificates = new TreeMap<>();
    private final Map<String, AttackCompleted> attacks = new TreeMap<>();
    /**
     * The first failure of each (stage, shard): a failed shard is reported once. A failure that names no samples
     * (the checkpoint could not be loaded, so it was never split) fails every shard of its stage.
     */
    private final Map<String, ShardFailure> failures = new TreeMap<>();

    CheckpointResults(String checkpointId) {
        this.checkpointId = checkpointId;
    }

    /** The plan's expectations: a certificate per (ε, method, shard), an attack per (ε, shard). */
    void announce(CheckpointCreated event, List<Double> epsilons, List<BoundMethod> methods, int shards) {
        announcement = event;
        this.epsilons = List.copyOf(epsilons);
        this.methods = List.copyOf(methods);
        this.shardCount = shards;
    }

    /** False when an equal-keyed result was already in (a duplicate). */
    boolean add(CertificationCompleted c) {
        if (c.hasFailure()) {
            return failures.putIfAbsent(failureKey("certification", c.getShard()), ShardFailure.newBuilder()
                    .setShard(c.getShard()).setStage("certification").setFailure(c.getFailure()).build()) == null;
        }
        return certificates.putIfAbsent(key(c.getEpsilon(), c.getMethod(), c.getShard().getShardIndex()), c) == null;
    }

    boolean add(AttackCompleted a) {
        if (a.hasFailure()) {
            return failures.putIfAbsent(failureKey("attack", a.getShard()), ShardFailure.newBuilder()
                    .setShard(a.getShard()).setStage("attack").setFailure(a.getFailure()).build()) == null;
        }
        return attacks.putIfAbsent(key(a.getEpsilon(), a.getShard().getShardIndex()), a) == null;
    }

    private static String failureKey(String stage, ShardRef shard) {
        return stage + "|" + (shard.getCount() == 0 ? "all" : Integer.toString(shard.getShardIndex()));
    }

    private boolean failed(String stage, int shard) {
        return failures.containsKey(stage + "|all") || failures.containsKey(stage + "|" + shard);
    }

    private static String key(double eps, BoundMethod method, int shard) {
        return eps + "|" + method + "|" + shard;
    }

    private static String key(double eps, int shard) {
        return eps + "|" + shard;
    }

    /** Every (ε, method, shard) whose certification and attack are both in and cover the same samples. */
    List<Join> joins() {
        List<Join> out = new ArrayList<>();
        for (CertificationCompleted c : certificates.values()) {
            int shard = c.getShard().getShardIndex();
            AttackCompleted a = attacks.get(key(c.getEpsilon(), shard));
            if (!joinable(c, a)) {
                continue;
            }
            List<Integer> alarmed = new ArrayList<>();
            for (int i = 0; i < c.getVerifiedCount(); i++) {
                if (c.getVerified(i) && a.getBroken(i)) {
                    alarmed.add(c.getShard().getStartIndex() + i);
                }
            }
            out.add(new Join(c.getEpsilon(), c.getMethod(), shard, alarmed));
        }
        return out;
    }

    private static boolean joinable(CertificationCompleted c, AttackCompleted a) {
        return c != null && a != null && c.getDataset().equals(a.getDataset())
                && c.getShard().getStartIndex() == a.getShard().getStartIndex()
                && c.getVerifiedCount() == a.getBrokenCount() && c.getVerifiedCount() > 0;
    }

    /** Whether every result of a shard is in (or the shard failed at a stage). */
    private boolean shardDone(int shard) {
        boolean certified = failed("certification", shard) || epsilons.stream().allMatch(e ->
                methods.stream().allMatch(m -> certificates.containsKey(key(e, m, shard))));
        boolean attacked = failed("attack", shard)
                || epsilons.stream().allMatch(e -> attacks.containsKey(key(e, shard)));
        return certified && attacked;
    }

    EvaluationReport report(long alarms) {
        EvaluationReport.Builder r = EvaluationReport.newBuilder().setSoundnessAlarms(alarms);
        if (announcement != null) {
            r.setCheckpoint(announcement.getCheckpoint()).setTrainingId(announcement.getTrainingId())
                    .setEpoch(announcement.getEpoch());
        } else {
            r.getCheckpointBuilder().setCheckpointId(checkpointId);
        }
        for (double eps : epsilonsSeen()) {
            rates(r, eps);
        }
        r.addAllFailedShards(failures.values());
        int done = 0;
        for (int s = 0; s < shardCount; s++) {
            done += announcement != null && shardDone(s) ? 1 : 0;
        }
        boolean complete = announcement != null && failures.isEmpty() && done == shardCount;
        return r.setShardsTotal(shardCount).setShardsComplete(done).setComplete(complete).build();
    }

    private List<Double> epsilonsSeen() {
        java.util.TreeSet<Double> seen = new java.util.TreeSet<>(epsilons);
        certificates.values().forEach(c -> seen.add(c.getEpsilon()));
        return List.copyOf(seen);
    }

    /**
     * One row per method and one for the best of them (method unspecified), as the CLI's table, over the
     * shards whose attack at ε is in, for the methods certified (and joinable) on every one of those shards.
     */
    private void rates(EvaluationReport.Builder r, double eps) {
        List<Integer> shards = new ArrayList<>();
        Map<BoundMethod, List<CertificationCompleted>> byMethod = new LinkedHashMap<>();
        for (int s = 0; s < shardCount; s++) {
            if (attacks.containsKey(key(eps, s))) {
                shards.add(s);
            }
        }
        if (shards.isEmpty()) {
            return;
        }
        for (CertificationCompleted c : certificates.values()) {
            if (c.getEpsilon() == eps && !byMethod.containsKey(c.getMethod())) {
                List<CertificationCompleted> perShard = new ArrayList<>();
                for (int s : shards) {
                    CertificationCompleted cs = certificates.get(key(eps, c.getMethod(), s));
                    if (!joinable(cs, attacks.get(key(eps, s)))) {
                        perShard = null;
                        break;
                    }
                    perShard.add(cs);
                }
                if (perShard != null) {
                    byMethod.put(c.getMethod(), perShard);
                }
            }
        }
        if (byMethod.isEmpty()) {
            return;
        }
        List<Boolean> correct = new ArrayList<>();
        List<Boolean> broken = new ArrayList<>();
        for (int s : shards) {
            broken.addAll(attacks.get(key(eps, s)).getBrokenList());
        }
        Map<String, boolean[]> verified = new LinkedHashMap<>();
        Map<BoundMethod, String> labels = new LinkedHashMap<>();
        CertificationCompleted any = null;
        for (Map.Entry<BoundMethod, List<CertificationCompleted>> e : byMethod.entrySet()) {
            List<Boolean> v = new ArrayList<>();
            for (CertificationCompleted c : e.getValue()) {
                v.addAll(c.getVerifiedList());
                if (any == null) {
                    any = c;
                }
            }
            verified.put(e.getKey().name(), flags(v));
            labels.put(e.getKey(), e.getKey().name());
        }
        for (CertificationCompleted c : byMethod.values().iterator().next()) {
            correct.addAll(c.getCorrectList());
        }
        ErrorTable table = ErrorTable.of(flags(correct), flags(broken), verified, eps, any.getMode().name());
        r.addAllRates(ErrorRatesRows.of(table, labels, any.getMode()));
    }

    private static boolean[] flags(List<Boolean> list) {
        boolean[] b = new boolean[list.size()];
        for (int i = 0; i < b.length; i++) {
            b[i] = list.get(i);
        }
        return b;
    }
}
