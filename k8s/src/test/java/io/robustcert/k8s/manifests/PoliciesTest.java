package io.robustcert.k8s.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Each rule of Policies catches what it is meant to catch, on broken copies of the real manifests. */
class PoliciesTest {
  private static final String CERTIFIER = "certifier-service";

  @Test
  void missingLimitsOrRequestsAreFound() {
    assertViolation(Policies::resources, c -> ((ObjectNode) c.path("resources")).remove("limits"), "no cpu limit");
    assertViolation(Policies::resources, c -> ((ObjectNode) c.path("resources").path("requests")).remove("memory"),
        "no memory request");
  }

  @Test
  void unpinnedImagesAreFound() {
    assertViolation(Policies::images, c -> c.put("image", "robustcert/certifier-service:latest"), "not pinned");
    assertViolation(Policies::images, c -> c.put("image", "robustcert/certifier-service"), "not pinned");
    assertViolation(Policies::images, c -> c.put("image", "host:5000/certifier-service"), "not pinned");
    assertEquals(List.of(), Policies.images(pod(c -> c.put("image", "robustcert/certifier-service@sha256:00"))));
  }

  @Test
  void weakSecurityContextsAreFound() {
    assertViolation(Policies::security, c -> ((ObjectNode) c.path("securityContext")).remove("readOnlyRootFilesystem"),
        "readOnlyRootFilesystem");
    assertViolation(Policies::security, c -> ((ObjectNode) c.path("securityContext")).put("allowPrivilegeEscalation", true),
        "allowPrivilegeEscalation");
    assertViolation(Policies::security, c -> ((ObjectNode) c.path("securityContext").path("capabilities"))
        .putArray("add").add("NET_ADMIN"), "capabilities");
    assertViolation(Policies::security, c -> ((ObjectNode) c.path("securityContext")).put("runAsUser", 0), "UID 0");
    assertViolation(Policies::security, c -> c.remove("securityContext"), "no container securityContext");
    PodSpecs rootPod = podWith(spec -> ((ObjectNode) spec.path("securityContext")).remove("runAsNonRoot"));
    assertTrue(Policies.security(rootPod).stream().anyMatch(v -> v.contains("runAsNonRoot")), Policies.security(rootPod)::toString);
  }

  @Test
  void missingOrMisdirectedProbesAreFound() {
    assertViolation(Policies::probes, c -> c.remove("livenessProbe"), "no HTTP liveness probe");
    assertViolation(Policies::probes, c -> ((ObjectNode) c.path("readinessProbe").path("httpGet")).put("path", "/health"),
        "readiness probe on /health");
    assertViolation(Policies::probes, c -> ((ObjectNode) c.path("startupProbe").path("httpGet")).put("port", 9000),
        "undeclared port 9000");
  }

  @Test
  void gpuUseOutsideTheGpuOverlayIsFound() {
    PodSpecs gpu = pod(c -> ((ObjectNode) c.path("resources").path("limits")).put(Policies.GPU, 1));
    assertEquals(List.of("Deployment certifier-service/certifier-service: nvidia.com/gpu 1"), Policies.gpuUse(gpu));
    PodSpecs pinned = podWith(spec -> spec.putObject("nodeSelector").put("gpu", "yes"));
    assertEquals(1, Policies.gpuUse(pinned).size());
  }

  @Test
  void broadAclsAreFound() {
    List<String> violations = new ArrayList<>();
    Policies.acls(user(acl -> ((ObjectNode) acl.path("resource")).put("patternType", "prefix")), violations);
    assertTrue(violations.get(0).contains("only literal topics and groups"), violations::toString);

    violations.clear();
    Policies.acls(user(acl -> ((ObjectNode) acl.path("resource")).put("name", "*")), violations);
    assertTrue(violations.get(0).contains("wildcard"), violations::toString);

    violations.clear();
    Policies.acls(user(acl -> ((ArrayNode) acl.path("operations")).add("All")), violations);
    assertTrue(violations.get(0).contains("operations"), violations::toString);

    violations.clear();
    TopicUsage attack = TopicUsage.SERVICES.get(2);
    var extra = Policies.acls(user(acl -> ((ArrayNode) acl.path("operations")).add("Create")), violations);
    assertEquals(List.of(), violations);
    assertNotEquals(attack.expectedAcls(), extra, "Create is more than the attacker needs");
  }

  private static void assertViolation(Function<PodSpecs, List<String>> rule, Consumer<ObjectNode> breakContainer,
      String fragment) {
    assertEquals(List.of(), rule.apply(pod(c -> {})), "the real manifest passes");
    List<String> violations = rule.apply(pod(breakContainer));
    assertTrue(violations.stream().anyMatch(v -> v.contains(fragment)), violations::toString);
  }

  private static PodSpecs pod(Consumer<ObjectNode> changeContainer) {
    return podWith(spec -> changeContainer.accept((ObjectNode) spec.path("containers").get(0)));
  }

  private static PodSpecs podWith(Consumer<ObjectNode> changePodSpec) {
    ObjectNode deployment = copy("Deployment", CERTIFIER);
    changePodSpec.accept((ObjectNode) deployment.path("spec").path("template").path("spec"));
    HasMetadata model = StrictModel.read(deployment);
    return PodSpecs.of(List.of(model)).get(0);
  }

  private static KafkaUser user(Consumer<ObjectNode> changeFirstAcl) {
    ObjectNode user = copy("KafkaUser", "robustcert-attack");
    changeFirstAcl.accept((ObjectNode) user.path("spec").path("authorization").path("acls").get(0));
    return (KafkaUser) StrictModel.read(user);
  }

  private static ObjectNode copy(String kind, String name) {
    return Overlays.raw(Overlays.BASE).stream()
        .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
        .findFirst().orElseThrow().deepCopy();
  }
}
