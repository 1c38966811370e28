package io.robustcert.certifier.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;
import java.nio.file.Path;

/** Where checkpoints and datasets are, and how the certifier takes part in the Kafka flow. */
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

    /** Whether the certifier consumes checkpoints and results at all (off: gRPC only). */
    @WithName("flow.enabled")
    @WithDefault("true")
    boolean flowEnabled();

    /** The consumer group (k8s/: the KafkaUser's ACLs name it). */
    @WithName("flow.group-id")
    @WithDefault("robustcert-certifier")
    String groupId();

    /** The consumer group of the shard work items (every instance takes its share of them). */
    @WithName("flow.shard-group-id")
    @WithDefault("robustcert-certifier-shards")
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
     * Samples per bound batch in the flow and in CertifyModel; the verdicts do not depend on it. Memory does:
     * sound CROWN-IBP keeps every temporary of a batch in the bound workspace (about 15 MB per mnist_small
     * sample), measured 2.4 GB RSS at 128 and 1.0 GB at 32.
     */
    @WithName("flow.batch-size")
    @WithDefault("32")
    int batchSize();
}
