package io.robustcert.k8s.manifests;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclOperation;
import io.strimzi.api.kafka.model.user.acl.AclResourcePatternType;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleGroupResource;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/** The deployment rules, each a function from manifests to the list of violations it finds (empty: fine). */
final class Policies {
  static final String GPU = "nvidia.com/gpu";

  private Policies() {}

  static List<Container> containers(PodSpecs pod) {
    return Stream.concat(pod.spec().getContainers().stream(),
        pod.spec().getInitContainers() == null ? Stream.empty() : pod.spec().getInitContainers().stream()).toList();
  }

  /** cpu and memory requested and limited, on every container. */
  static List<String> resources(String owner, ResourceRequirements r) {
    List<String> violations = new ArrayList<>();
    for (String resource : List.of("cpu", "memory")) {
      if (r == null || r.getRequests() == null || !r.getRequests().containsKey(resource)) {
        violations.add(owner + ": no " + resource + " request");
      }
      if (r == null || r.getLimits() == null || !r.getLimits().containsKey(resource)) {
        violations.add(owner + ": no " + resource + " limit");
      }
    }
    return violations;
  }

  static List<String> resources(PodSpecs pod) {
    return containers(pod).stream()
        .flatMap(c -> resources(pod.owner() + "/" + c.getName(), c.getResources()).stream()).toList();
  }

  /** The restricted profile: non-root, read-only root, no escalation, no capabilities, default seccomp. */
  static List<String> security(PodSpecs pod) {
    List<String> violations = new ArrayList<>(podSecurity(pod.owner(), pod.spec().getSecurityContext()));
    boolean podNonRoot = pod.spec().getSecurityContext() != null
        && Boolean.TRUE.equals(pod.spec().getSecurityContext().getRunAsNonRoot());
    for (Container c : containers(pod)) {
      violations.addAll(containerSecurity(pod.owner() + "/" + c.getName(), c.getSecurityContext(), podNonRoot));
    }
    if (Boolean.TRUE.equals(pod.spec().getHostNetwork()) || Boolean.TRUE.equals(pod.spec().getHostPID())) {
      violations.add(pod.owner() + ": uses the host's network or PID namespace");
    }
    return violations;
  }

  static List<String> podSecurity(String owner, PodSecurityContext s) {
    List<String> violations = new ArrayList<>();
    if (s == null || !Boolean.TRUE.equals(s.getRunAsNonRoot())) {
      violations.add(owner + ": pod securityContext.runAsNonRoot is not true");
    }
    if (s != null && s.getRunAsUser() != null && s.getRunAsUser() == 0) {
      violations.add(owner + ": runs as UID 0");
    }
    if (s == null || s.getSeccompProfile() == null || !"RuntimeDefault".equals(s.getSeccompProfile().getType())) {
      violations.add(owner + ": seccompProfile is not RuntimeDefault");
    }
    return violations;
  }

  static List<String> containerSecurity(String owner, SecurityContext s, boolean podNonRoot) {
    List<String> violations = new ArrayList<>();
    if (s == null) {
      return List.of(owner + ": no container securityContext");
    }
    if (!podNonRoot && !Boolean.TRUE.equals(s.getRunAsNonRoot())) {
      violations.add(owner + ": runAsNonRoot is not true");
    }
    if (s.getRunAsUser() != null && s.getRunAsUser() == 0) {
      violations.add(owner + ": runs as UID 0");
    }
    if (!Boolean.TRUE.equals(s.getReadOnlyRootFilesystem())) {
      violations.add(owner + ": readOnlyRootFilesystem is not true");
    }
    if (!Boolean.FALSE.equals(s.getAllowPrivilegeEscalation())) {
      violations.add(owner + ": allowPrivilegeEscalation is not false");
    }
    if (Boolean.TRUE.equals(s.getPrivileged())) {
      violations.add(owner + ": privileged");
    }
    if (s.getCapabilities() == null || s.getCapabilities().getDrop() == null
        || !s.getCapabilities().getDrop().contains("ALL")
        || (s.getCapabilities().getAdd() != null && !s.getCapabilities().getAdd().isEmpty())) {
      violations.add(owner + ": capabilities are not exactly 'drop ALL'");
    }
    return violations;
  }

  /** Long-running containers: startup, readiness and liveness on the Quarkus health endpoints. */
  static List<String> probes(PodSpecs pod) {
    if (!pod.longRunning()) {
      return List.of();
    }
    List<String> violations = new ArrayList<>();
    for (Container c : pod.spec().getContainers()) {
      String owner = pod.owner() + "/" + c.getName();
      probe(owner, "startup", c.getStartupProbe(), "/q/health/started", c, violations);
      probe(owner, "readiness", c.getReadinessProbe(), "/q/health/ready", c, violations);
      probe(owner, "liveness", c.getLivenessProbe(), "/q/health/live", c, violations);
    }
    return violations;
  }

  private static void probe(String owner, String kind, Probe p, String path, Container c, List<String> violations) {
    if (p == null || p.getHttpGet() == null) {
      violations.add(owner + ": no HTTP " + kind + " probe");
      return;
    }
    if (!path.equals(p.getHttpGet().getPath())) {
      violations.add(owner + ": " + kind + " probe on " + p.getHttpGet().getPath() + ", not " + path);
    }
    Object port = p.getHttpGet().getPort().getStrVal() != null ? p.getHttpGet().getPort().getStrVal()
        : p.getHttpGet().getPort().getIntVal();
    boolean declared = c.getPorts() != null && c.getPorts().stream()
        .anyMatch(cp -> port.equals(cp.getName()) || port.equals(cp.getContainerPort()));
    if (!declared) {
      violations.add(owner + ": " + kind + " probe on undeclared port " + port);
    }
  }

  /** Every image names a version: a tag other than latest, or a digest. */
  static List<String> images(PodSpecs pod) {
    List<String> violations = new ArrayList<>();
    for (Container c : containers(pod)) {
      String image = c.getImage();
      String owner = pod.owner() + "/" + c.getName();
      if (image == null || image.isBlank()) {
        violations.add(owner + ": no image");
        continue;
      }
      if (image.contains("@sha256:")) {
        continue;
      }
      int colon = image.lastIndexOf(':');
      String tag = colon > image.lastIndexOf('/') ? image.substring(colon + 1) : "";
      if (tag.isEmpty() || tag.equals("latest")) {
        violations.add(owner + ": image " + image + " is not pinned");
      }
      if (!"IfNotPresent".equals(c.getImagePullPolicy()) && c.getImagePullPolicy() != null) {
        violations.add(owner + ": imagePullPolicy " + c.getImagePullPolicy());
      }
    }
    return violations;
  }

  /** Where GPUs, GPU node selectors or GPU tolerations appear: "owner: what" lines. */
  static List<String> gpuUse(PodSpecs pod) {
    List<String> uses = new ArrayList<>();
    for (Container c : containers(pod)) {
      ResourceRequirements r = c.getResources();
      for (Map<String, Quantity> m : r == null ? List.<Map<String, Quantity>>of()
          : Stream.of(r.getLimits(), r.getRequests()).filter(x -> x != null).toList()) {
        if (m.containsKey(GPU)) {
          uses.add(pod.owner() + "/" + c.getName() + ": " + GPU + " " + m.get(GPU));
        }
      }
    }
    if (pod.spec().getNodeSelector() != null && !pod.spec().getNodeSelector().isEmpty()) {
      uses.add(pod.owner() + ": nodeSelector " + pod.spec().getNodeSelector());
    }
    if (pod.spec().getTolerations() != null && !pod.spec().getTolerations().isEmpty()) {
      uses.add(pod.owner() + ": tolerations");
    }
    return uses;
  }

  /** A user's ACLs as "type name Operation" strings; wildcards, prefixes and other resource types refused. */
  static Set<String> acls(KafkaUser user, List<String> violations) {
    Set<String> acls = new TreeSet<>();
    if (!(user.getSpec().getAuthorization() instanceof KafkaUserAuthorizationSimple simple)) {
      violations.add(user.getMetadata().getName() + ": no simple authorization");
      return acls;
    }
    for (AclRule rule : simple.getAcls()) {
      String resource;
      if (rule.getResource() instanceof AclRuleTopicResource t && literal(t.getPatternType())) {
        resource = "topic " + t.getName();
      } else if (rule.getResource() instanceof AclRuleGroupResource g && literal(g.getPatternType())) {
        resource = "group " + g.getName();
      } else {
        violations.add(user.getMetadata().getName() + ": ACL on " + rule.getResource() + " (only literal topics"
            + " and groups are allowed)");
        continue;
      }
      if (resource.contains("*")) {
        violations.add(user.getMetadata().getName() + ": wildcard ACL " + resource);
      }
      if (rule.getHost() != null && !rule.getHost().equals("*")) {
        violations.add(user.getMetadata().getName() + ": host-restricted ACL (unsupported here) " + rule.getHost());
      }
      List<AclOperation> operations = rule.getOperations() == null ? List.of() : rule.getOperations();
      if (operations.isEmpty() || operations.contains(AclOperation.ALL)) {
        violations.add(user.getMetadata().getName() + ": ACL on " + resource + " with operations " + operations);
      }
      for (AclOperation op : operations) {
        acls.add(resource + " " + op.toValue());
      }
    }
    return acls;
  }

  private static boolean literal(AclResourcePatternType type) {
    return type == null || type == AclResourcePatternType.LITERAL;
  }

  static boolean declaresPort(Container c, int port) {
    return c.getPorts() != null && c.getPorts().stream().map(ContainerPort::getContainerPort).anyMatch(p -> p == port);
  }
}
