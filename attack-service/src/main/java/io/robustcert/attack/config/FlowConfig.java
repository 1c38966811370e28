package io.robustcert.attack.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;

/** Where checkpoints and datasets are, how the attacker takes part in the Kafka flow, its request limits. */
@ConfigMapping(prefix = "robustcert")
public interface FlowConfig {

    /** The checkpoint store's root (ROBUSTCERT_STORE_ROOT); URIs outside it are refused. */
    @WithName("store.root")
    Path storeRoot();

    /** Largest checkpoint loaded, in bytes; a larger announced size is refused before reading. */
    @WithName("store.max-checkpoint-bytes")
    @WithDefault("268435456")
    long maxCheckpointBytes();

    /** Dataset root (ROBUSTCERT_DATA_DIR): one directory per dataset id, as the CLI reads them. */
    @WithName("data.dir")
    Path dataDir();

    /** Whether the attacker consumes checkpoints at all (off: gRPC only). */
    @WithName("flow.enabled")
    @WithDefault("true")
    boolean flowEnabled();

    /** The consumer group (k8s/: the KafkaUser's ACLs name it). */
    @WithName("flow.group-id")
    @WithDefault("robustcert-attack")
    String groupId();

    /** The consumer group of the shard work items (every instance takes its share of them). */
    @WithName("flow.shard-group-id")
    @WithDefault("robustcert-attack-shards")
    String shardGroupId();

    /**
     * Shards this instance works on at once, each on its own consumer of the shard group (so at most the shard
     * topic's partitions in all). With ND4J at one thread per shard (OMP_NUM_THREADS=1) this is how one instance
     * uses several cores: one ND4J op on two threads was slower here than on one.
     */
    @WithName("flow.shard-consumers")
    @WithDefault("1")
    int shardConsumers();

    /**
     * Samples per attack batch (core's Evaluator). The random starts are seeded per sample within a batch, so
     * keep it at the CLI's --batch-size (128) for the same verdicts as `robustcert attack`.
     */
    @WithName("flow.batch-size")
    @WithDefault("128")
    int batchSize();

    /** Largest gRPC message accepted, in bytes; a larger one is refused with RESOURCE_EXHAUSTED before it is read. */
    @WithName("attack.max-message-bytes")
    @WithDefault("67108864")
    int maxMessageBytes();

    /** Most inputs one Attack request may carry; more are refused with RESOURCE_EXHAUSTED. */
    @WithName("attack.max-inputs")
    @WithDefault("10000")
    int maxInputs();

    /** CPU-heavy requests one instance runs at once; more are refused with RESOURCE_EXHAUSTED (TOO_MANY_REQUESTS). */
    @WithName("attack.max-concurrent-requests")
    @WithDefault("2")
    int maxConcurrentRequests();
}
