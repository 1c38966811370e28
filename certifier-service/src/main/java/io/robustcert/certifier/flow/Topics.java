package io.robustcert.certifier.flow;

/** The topics of the flow (EXAMPLES.md section 7; k8s/ declares them and the ACLs). */
public final class Topics {

    public static final String CHECKPOINTS = "robustcert.checkpoints.v1";
    /** The certifier's work items: one EvaluationShardRequested per shard, keyed checkpoint id/shard index. */
    public static final String CERTIFICATION_SHARDS = "robustcert.certification-shards.v1";
    public static final String CERTIFICATES = "robustcert.certificates.v1";
    public static final String ATTACK_RESULTS = "robustcert.attack-results.v1";
    public static final String REPORTS = "robustcert.evaluation-reports.v1";
    public static final String ALARMS = "robustcert.soundness-alarms.v1";

    private Topics() {
    }

    /** The dead-letter topic of a consumed topic. */
    public static String deadLetters(String topic) {
        return topic + ".dlq";
    }
}
