package io.robustcert.k8s.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.kafka.KafkaSpec;
import io.strimzi.api.kafka.model.kafka.listener.KafkaListenerAuthenticationScramSha512;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The deployment rules, on every overlay. Each rule's own failure cases are in PoliciesTest. */
class ManifestPolicyTest {
  static List<String> overlays() {
    return Overlays.all().toList();
  }

  private static List<PodSpecs> pods(String overlay) {
    List<PodSpecs> pods = PodSpecs.of(Overlays.model(overlay));
    assertEquals(4, pods.size(), "three Deployments and the training PodTemplate");
    return pods;
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyContainerHasRequestsAndLimits(String overlay) {
    List<String> violations = new ArrayList<>();
    pods(overlay).forEach(p -> violations.addAll(Policies.resources(p)));
    KafkaSpec kafka = Overlays.named(overlay, Kafka.class, "robustcert").getSpec();
    violations.addAll(Policies.resources("topic operator", kafka.getEntityOperator().getTopicOperator().getResources()));
    violations.addAll(Policies.resources("user operator", kafka.getEntityOperator().getUserOperator().getResources()));
    violations.addAll(Policies.resources("kafka exporter", kafka.getKafkaExporter().getResources()));
    for (KafkaNodePool pool : Overlays.ofKind(overlay, KafkaNodePool.class)) {
      violations.addAll(Policies.resources("node pool " + pool.getMetadata().getName(), pool.getSpec().getResources()));
    }
    assertEquals(List.of(), violations);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodRunsNonRootWithAReadOnlyRootAndNoCapabilities(String overlay) {
    List<String> violations = new ArrayList<>();
    pods(overlay).forEach(p -> violations.addAll(Policies.security(p)));
    KafkaSpec kafka = Overlays.named(overlay, Kafka.class, "robustcert").getSpec();
    var eo = kafka.getEntityOperator().getTemplate();
    violations.addAll(Policies.podSecurity("entity operator", eo.getPod().getSecurityContext()));
    violations.addAll(Policies.containerSecurity("topic operator", eo.getTopicOperatorContainer().getSecurityContext(), true));
    violations.addAll(Policies.containerSecurity("user operator", eo.getUserOperatorContainer().getSecurityContext(), true));
    var exporter = kafka.getKafkaExporter().getTemplate();
    violations.addAll(Policies.podSecurity("kafka exporter", exporter.getPod().getSecurityContext()));
    violations.addAll(Policies.containerSecurity("kafka exporter", exporter.getContainer().getSecurityContext(), true));
    for (KafkaNodePool pool : Overlays.ofKind(overlay, KafkaNodePool.class)) {
      var t = pool.getSpec().getTemplate();
      violations.addAll(Policies.podSecurity("node pool", t.getPod().getSecurityContext()));
      violations.addAll(Policies.containerSecurity("kafka", t.getKafkaContainer().getSecurityContext(), true));
    }
    assertEquals(List.of(), violations);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void longRunningContainersHaveHealthProbes(String overlay) {
    List<String> violations = new ArrayList<>();
    pods(overlay).forEach(p -> violations.addAll(Policies.probes(p)));
    assertEquals(List.of(), violations);
    assertEquals(3, pods(overlay).stream().filter(PodSpecs::longRunning).count());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void imagesArePinnedAndStrimziImagesAreTheOperators(String overlay) {
    List<String> violations = new ArrayList<>();
    pods(overlay).forEach(p -> violations.addAll(Policies.images(p)));
    assertEquals(List.of(), violations);
    KafkaSpec kafka = Overlays.named(overlay, Kafka.class, "robustcert").getSpec();
    assertEquals(null, kafka.getKafka().getImage(), "Kafka's image comes from the pinned operator release");
    assertEquals(null, kafka.getKafka().getVersion(), "Kafka's version comes from the pinned operator release");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void gpusNodeSelectorsAndTolerationsOnlyOnTheGpuOverlaysTrainingPods(String overlay) {
    List<String> uses = new ArrayList<>();
    pods(overlay).forEach(p -> uses.addAll(Policies.gpuUse(p)));
    if (!overlay.equals(Overlays.GPU)) {
      assertEquals(List.of(), uses);
      return;
    }
    assertEquals(List.of("PodTemplate robustcert-trainer-job/trainer: nvidia.com/gpu 1",
        "PodTemplate robustcert-trainer-job: nodeSelector {nvidia.com/gpu.present=true}",
        "PodTemplate robustcert-trainer-job: tolerations"), uses);
    PodTemplate job = Overlays.named(overlay, PodTemplate.class, "robustcert-trainer-job");
    Container trainer = job.getTemplate().getSpec().getContainers().get(0);
    assertEquals(new Quantity("1"), trainer.getResources().getLimits().get(Policies.GPU), "a whole GPU, in limits");
    assertTrue(trainer.getImage().contains("trainer-service-cuda:"), trainer.getImage());
    assertEquals(new Quantity("16Gi"), job.getTemplate().getSpec().getVolumes().get(0).getEmptyDir().getSizeLimit(),
        "room for the unpacked CUDA libraries");
    assertTrue(job.getTemplate().getSpec().getTolerations().stream()
        .anyMatch(t -> t.getKey().equals(Policies.GPU) && t.getEffect().equals("NoSchedule")));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyTopicTheServicesUseIsDeclaredAndNothingElse(String overlay) {
    Set<String> declared = Overlays.ofKind(overlay, KafkaTopic.class).stream()
        .map(t -> t.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(TopicUsage.allTopics(), declared);
    for (KafkaTopic topic : Overlays.ofKind(overlay, KafkaTopic.class)) {
      String name = topic.getMetadata().getName();
      assertTrue(name.matches("robustcert\\.[a-z]+(-[a-z]+)*\\.v[0-9]+(\\.dlq)?"), name);
      assertEquals(null, topic.getSpec().getTopicName(), "the topic name is metadata.name");
      assertEquals("robustcert", topic.getMetadata().getLabels().get("strimzi.io/cluster"));
    }
    assertEquals("compact", Overlays.named(overlay, KafkaTopic.class, TopicUsage.REPORTS).getSpec().getConfig()
        .get("cleanup.policy"), "reports keep the latest per checkpoint");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void replicationFitsTheNodePool(String overlay) {
    int nodes = Overlays.ofKind(overlay, KafkaNodePool.class).stream()
        .filter(p -> p.getSpec().getRoles().toString().contains("BROKER")).mapToInt(p -> p.getSpec().getReplicas()).sum();
    int expectedIsr = nodes == 1 ? 1 : 2;
    for (KafkaTopic topic : Overlays.ofKind(overlay, KafkaTopic.class)) {
      assertTrue(topic.getSpec().getReplicas() <= nodes, topic.getMetadata().getName());
      assertEquals(expectedIsr, ((Number) topic.getSpec().getConfig().get("min.insync.replicas")).intValue(),
          topic.getMetadata().getName());
    }
    var config = Overlays.named(overlay, Kafka.class, "robustcert").getSpec().getKafka().getConfig();
    assertEquals(Math.min(nodes, 3), ((Number) config.get("offsets.topic.replication.factor")).intValue());
    assertEquals(expectedIsr, ((Number) config.get("min.insync.replicas")).intValue());
    assertEquals(Overlays.DEV.equals(overlay) ? 1 : 3, nodes);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void aclsAreExactlyWhatEachServiceNeeds(String overlay) {
    List<String> violations = new ArrayList<>();
    List<KafkaUser> users = Overlays.ofKind(overlay, KafkaUser.class);
    assertEquals(TopicUsage.SERVICES.stream().map(TopicUsage::user).sorted().toList(),
        users.stream().map(u -> u.getMetadata().getName()).sorted().toList());
    for (TopicUsage service : TopicUsage.SERVICES) {
      KafkaUser user = Overlays.named(overlay, KafkaUser.class, service.user());
      assertEquals(service.expectedAcls(), Policies.acls(user, violations), service.user());
      assertEquals("scram-sha-512", user.getSpec().getAuthentication().getType());
    }
    assertEquals(List.of(), violations);
    var kafka = Overlays.named(overlay, Kafka.class, "robustcert").getSpec().getKafka();
    assertEquals("simple", kafka.getAuthorization().getType());
    assertEquals(false, kafka.getConfig().get("auto.create.topics.enable"));
    assertTrue(kafka.getListeners().stream()
        .allMatch(l -> l.getAuth() instanceof KafkaListenerAuthenticationScramSha512), "every listener authenticates");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void eachPodUsesItsOwnServicesKafkaCredentials(String overlay) {
    for (PodSpecs pod : pods(overlay)) {
      String component = pod.labels().get("app.kubernetes.io/component");
      String user = "robustcert-" + (component.startsWith("trainer") ? "trainer" : component);
      EnvVar jaas = pod.spec().getContainers().get(0).getEnv().stream()
          .filter(e -> e.getName().equals("KAFKA_SASL_JAAS_CONFIG")).findFirst().orElseThrow();
      assertEquals(user, jaas.getValueFrom().getSecretKeyRef().getName(), pod.owner());
      assertEquals("true", pod.labels().get("robustcert.io/kafka-client"), pod.owner());
    }
  }

  /** OpenMP would start a thread per core of the node: the evaluating pods bound ND4J's threads by their CPU limit. */
  @ParameterizedTest
  @MethodSource("overlays")
  void evaluatingPodsBoundNd4jThreadsByTheirCpuLimit(String overlay) {
    int checked = 0;
    for (PodSpecs pod : pods(overlay)) {
      String component = pod.labels().get("app.kubernetes.io/component");
      if (!component.equals("certifier") && !component.equals("attack")) {
        continue;
      }
      var container = pod.spec().getContainers().get(0);
      EnvVar threads = container.getEnv().stream().filter(e -> e.getName().equals("OMP_NUM_THREADS")).findFirst()
          .orElseThrow(() -> new AssertionError(pod.owner() + " does not set OMP_NUM_THREADS"));
      assertEquals("limits.cpu", threads.getValueFrom().getResourceFieldRef().getResource(), pod.owner());
      assertEquals(container.getName(), threads.getValueFrom().getResourceFieldRef().getContainerName(), pod.owner());
      assertTrue(container.getResources().getLimits().containsKey("cpu"), pod.owner() + " has no CPU limit");
      checked++;
    }
    assertEquals(2, checked, "the certifier and the attack Deployments");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void checkpointsAreOnTheSharedVolumeAndOnlyTrainersWrite(String overlay) {
    PersistentVolumeClaim pvc = Overlays.named(overlay, PersistentVolumeClaim.class, "robustcert-checkpoints");
    assertEquals(Overlays.DEV.equals(overlay) ? List.of("ReadWriteOnce") : List.of("ReadWriteMany"),
        pvc.getSpec().getAccessModes(), "RWX wherever pods may land on several nodes");
    for (PodSpecs pod : pods(overlay)) {
      VolumeMount mount = pod.spec().getContainers().get(0).getVolumeMounts().stream()
          .filter(m -> m.getName().equals("checkpoints")).findFirst().orElseThrow();
      boolean trainer = pod.labels().get("app.kubernetes.io/component").startsWith("trainer");
      assertEquals(!trainer, Boolean.TRUE.equals(mount.getReadOnly()), pod.owner());
      assertTrue(pod.spec().getVolumes().stream().anyMatch(v -> v.getName().equals("checkpoints")
          && v.getPersistentVolumeClaim().getClaimName().equals("robustcert-checkpoints")), pod.owner());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodReadsTheDatasetsFromTheSharedVolumeAndOnlyTrainingJobsWrite(String overlay) {
    PersistentVolumeClaim pvc = Overlays.named(overlay, PersistentVolumeClaim.class, "robustcert-datasets");
    assertEquals(Overlays.DEV.equals(overlay) ? List.of("ReadWriteOnce") : List.of("ReadWriteMany"),
        pvc.getSpec().getAccessModes(), "RWX wherever pods may land on several nodes");
    for (PodSpecs pod : pods(overlay)) {
      Container c = pod.spec().getContainers().get(0);
      VolumeMount mount = c.getVolumeMounts().stream().filter(m -> m.getName().equals("datasets")).findFirst()
          .orElseThrow(() -> new AssertionError(pod.owner() + " mounts no datasets volume"));
      String dataDir = c.getEnv().stream().filter(e -> e.getName().equals("ROBUSTCERT_DATA_DIR")).map(EnvVar::getValue)
          .findFirst().orElseThrow(() -> new AssertionError(pod.owner() + " has no ROBUSTCERT_DATA_DIR"));
      assertEquals(mount.getMountPath(), dataDir, pod.owner() + ": the services look where the volume is");
      boolean job = pod.labels().get("app.kubernetes.io/component").equals("trainer-job");
      assertEquals(!job, Boolean.TRUE.equals(mount.getReadOnly()), pod.owner());
      assertTrue(pod.spec().getVolumes().stream().anyMatch(v -> v.getName().equals("datasets")
          && v.getPersistentVolumeClaim().getClaimName().equals("robustcert-datasets")), pod.owner());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void scaledDeploymentsHaveADisruptionBudgetAndScaleOnTheirLag(String overlay) {
    List<HorizontalPodAutoscaler> hpas = Overlays.ofKind(overlay, HorizontalPodAutoscaler.class);
    assertEquals(2, hpas.size());
    for (HorizontalPodAutoscaler hpa : hpas) {
      String target = hpa.getSpec().getScaleTargetRef().getName();
      Deployment d = Overlays.named(overlay, Deployment.class, target);
      var metric = hpa.getSpec().getMetrics().get(0).getExternal().getMetric();
      assertEquals("kafka_consumergroup_lag", metric.getName());
      String group = metric.getSelector().getMatchLabels().get("consumergroup");
      String topic = metric.getSelector().getMatchLabels().get("topic");
      int partitions = Overlays.named(overlay, KafkaTopic.class, topic).getSpec().getPartitions();
      assertTrue(hpa.getSpec().getMaxReplicas() <= partitions, "more consumers than partitions idle");
      assertTrue(TopicUsage.SERVICES.stream().anyMatch(s -> group.equals(s.shardGroup()) && s.consumes().contains(topic)
          && d.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv().stream()
              .anyMatch(e -> e.getValueFrom() != null && s.user().equals(e.getValueFrom().getSecretKeyRef().getName()))),
          target + " scales on the lag of its own shard work items");
      PodDisruptionBudget pdb = Overlays.named(overlay, PodDisruptionBudget.class, target);
      assertEquals(d.getSpec().getSelector(), pdb.getSpec().getSelector());
      assertFalse(pdb.getSpec().getMinAvailable() != null, "minAvailable would block drains at one replica");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void networkPoliciesDenyByDefaultAndCoverEveryWorkload(String overlay) {
    var policies = Overlays.ofKind(overlay, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
    var deny = policies.stream().filter(p -> p.getMetadata().getName().equals("default-deny-ingress")).findFirst()
        .orElseThrow();
    assertTrue(deny.getSpec().getPodSelector().getMatchLabels() == null
        || deny.getSpec().getPodSelector().getMatchLabels().isEmpty());
    assertTrue(deny.getSpec().getPodSelector().getMatchExpressions() == null
        || deny.getSpec().getPodSelector().getMatchExpressions().isEmpty());
    assertTrue(deny.getSpec().getIngress() == null || deny.getSpec().getIngress().isEmpty());
    var egress = policies.stream().filter(p -> p.getMetadata().getName().equals("workload-egress")).findFirst()
        .orElseThrow();
    Set<String> restricted = new TreeSet<>(egress.getSpec().getPodSelector().getMatchExpressions().get(0).getValues());
    for (PodSpecs pod : pods(overlay)) {
      assertTrue(restricted.contains(pod.labels().get("app.kubernetes.io/component")), pod.owner());
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void onlyTrainerServiceTouchesTheKubernetesApiAndOnlyForItsJobs(String overlay) {
    var role = Overlays.named(overlay, io.fabric8.kubernetes.api.model.rbac.Role.class, "trainer-service-jobs");
    List<String> rules = role.getRules().stream().map(r -> r.getApiGroups() + " " + r.getResources() + " "
        + r.getResourceNames() + " " + r.getVerbs()).toList();
    assertEquals(List.of("[batch] [jobs] [] [create, list, watch, delete]",
        "[] [podtemplates] [robustcert-trainer-job] [get]"), rules);
    var binding = Overlays.named(overlay, io.fabric8.kubernetes.api.model.rbac.RoleBinding.class, "trainer-service-jobs");
    assertEquals("trainer-service", binding.getSubjects().get(0).getName());
    assertEquals("robustcert", binding.getSubjects().get(0).getNamespace());
    for (PodSpecs pod : pods(overlay)) {
      String account = pod.spec().getServiceAccountName();
      boolean trainerService = pod.owner().equals("Deployment trainer-service");
      assertEquals(trainerService ? "trainer-service" : "robustcert-workload", account, pod.owner());
    }
    var workload = Overlays.named(overlay, io.fabric8.kubernetes.api.model.ServiceAccount.class, "robustcert-workload");
    assertEquals(Boolean.FALSE, workload.getAutomountServiceAccountToken(), "no API token where none is needed");
  }

  @Test
  void everyOverlayHasTheSameObjectsUnderTheSameNames() {
    Set<String> base = ids(Overlays.BASE);
    assertEquals(base, ids(Overlays.DEV));
    assertEquals(base, ids(Overlays.GPU));
  }

  private static Set<String> ids(String overlay) {
    return Overlays.model(overlay).stream().map(o -> o.getApiVersion() + " " + o.getKind() + " "
        + o.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
  }
}
