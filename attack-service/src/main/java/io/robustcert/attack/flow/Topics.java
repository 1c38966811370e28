package io.robustcert.attack.flow;

/** The topics the attacker touches (EXAMPLES.md section 7; k8s/ declares them and the ACLs). */
public final class Topics {

    public static final String CHECKPOINTS = "robustcert.checkpoints.v1";
    /** The attacker's work items: one EvaluationShardRequested per shard, keyed checkpoint id/shard index. */
    public static final String ATTACK_SHARDS = "robustcert.attack-shards.v1";
    public static final String ATTACK_RESULTS = "robustcert.attack-results.v1";

    private Topics() {
    }
}
