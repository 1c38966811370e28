package io.robustcert.k8s.manifests;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What each service does on Kafka, declared independently of users.yaml and topics.yaml so the tests can
 * hold the manifests to it. When a service starts reading or writing another topic, this table changes
 * first, and the tests then demand its KafkaTopic, its dead-letter topic and the matching ACLs.
 *
 * @param user the service's KafkaUser
 * @param group its consumer group, or null for a pure producer
 * @param shardGroup the consumer group of its shard work items (what it scales on), or null
 * @param consumes topics read; each needs a dead-letter topic {@code <topic>.dlq} that the service writes
 * @param produces topics written (dead-letter topics excluded)
 * @param follows topics only listened to, by assigned partitions without a group and without dead letters
 *     (the trainer follows the checkpoints its Jobs announce back to its runs)
 */
record TopicUsage(String user, String group, String shardGroup, List<String> consumes, List<String> produces,
    List<String> follows) {
  static final String CHECKPOINTS = "robustcert.checkpoints.v1";
  static final String CERTIFICATES = "robustcert.certificates.v1";
  static final String ATTACK_RESULTS = "robustcert.attack-results.v1";
  static final String REPORTS = "robustcert.evaluation-reports.v1";
  static final String ALARMS = "robustcert.soundness-alarms.v1";
  static final String CERTIFICATION_SHARDS = "robustcert.certification-shards.v1";
  static final String ATTACK_SHARDS = "robustcert.attack-shards.v1";

  static final List<TopicUsage> SERVICES = List.of(
      new TopicUsage("robustcert-trainer", null, null, List.of(), List.of(CHECKPOINTS), List.of(CHECKPOINTS)),
      new TopicUsage("robustcert-certifier", "robustcert-certifier", "robustcert-certifier-shards",
          List.of(CHECKPOINTS, CERTIFICATES, ATTACK_RESULTS, CERTIFICATION_SHARDS),
          List.of(CERTIFICATES, REPORTS, ALARMS, CERTIFICATION_SHARDS), List.of()),
      new TopicUsage("robustcert-attack", "robustcert-attack", "robustcert-attack-shards",
          List.of(CHECKPOINTS, ATTACK_SHARDS), List.of(ATTACK_RESULTS, ATTACK_SHARDS), List.of()));

  static String deadLetters(String topic) {
    return topic + ".dlq";
  }

  /** Every topic any service touches, dead-letter topics included. */
  static Set<String> allTopics() {
    Set<String> topics = new TreeSet<>();
    for (TopicUsage s : SERVICES) {
      topics.addAll(s.produces());
      s.consumes().forEach(t -> {
        topics.add(t);
        topics.add(deadLetters(t));
      });
    }
    return topics;
  }

  /** The exact ACLs least privilege allows, as "type name Operation" strings. */
  Set<String> expectedAcls() {
    Set<String> acls = new TreeSet<>();
    for (String topic : produces) {
      acls.add("topic " + topic + " Write");
      acls.add("topic " + topic + " Describe");
    }
    for (String topic : consumes) {
      acls.add("topic " + topic + " Read");
      acls.add("topic " + topic + " Describe");
      acls.add("topic " + deadLetters(topic) + " Write");
      acls.add("topic " + deadLetters(topic) + " Describe");
    }
    for (String topic : follows) {
      acls.add("topic " + topic + " Read");
      acls.add("topic " + topic + " Describe");
    }
    if (shardGroup != null) {
      acls.add("group " + shardGroup + " Read");
    }
    if (group != null) {
      acls.add("group " + group + " Read");
    }
    return acls;
  }
}
