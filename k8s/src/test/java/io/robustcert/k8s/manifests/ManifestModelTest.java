package io.robustcert.k8s.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.robustcert.k8s.kustomize.Yaml;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every overlay renders, and every rendered object is a valid instance of its model class. */
class ManifestModelTest {
  static List<String> overlays() {
    return Overlays.all().toList();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyObjectDeserialisesStrictly(String overlay) {
    List<HasMetadata> objects = Overlays.model(overlay);
    assertEquals(Overlays.raw(overlay).size(), objects.size());
    Set<String> kinds = objects.stream().map(HasMetadata::getKind).collect(Collectors.toSet());
    assertTrue(kinds.containsAll(Set.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Deployment",
        "PodTemplate", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy", "PersistentVolumeClaim")),
        kinds::toString);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyObjectIsInTheRobustcertNamespaceAndLabelled(String overlay) {
    for (HasMetadata object : Overlays.model(overlay)) {
      assertEquals("robustcert", object.getMetadata().getNamespace(), object::getFullResourceName);
      assertEquals("robustcert", object.getMetadata().getLabels().get("app.kubernetes.io/part-of"));
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void renderedYamlReadsBackUnchanged(String overlay) throws Exception {
    List<ObjectNode> rendered = Overlays.raw(overlay);
    assertEquals(List.copyOf(rendered), Yaml.readDocuments(Yaml.write(rendered)));
  }

  @Test
  void anUnknownFieldInAKubernetesObjectIsAnError() {
    ObjectNode deployment = copyOf("Deployment", "certifier-service");
    ((ObjectNode) deployment.path("spec").path("template").path("spec").path("containers").get(0))
        .put("imagePullPolicyy", "Always");
    assertRejected(deployment, "imagePullPolicyy");
  }

  @Test
  void anUnknownFieldInAStrimziObjectIsAnError() {
    ObjectNode user = copyOf("KafkaUser", "robustcert-attack");
    ((ObjectNode) user.path("spec").path("authorization").path("acls").get(0)).put("operatoins", "Read");
    assertRejected(user, "operatoins");
  }

  @Test
  void aStringWhereANumberBelongsIsAnError() {
    ObjectNode topic = copyOf("KafkaTopic", "robustcert.checkpoints.v1");
    ((ObjectNode) topic.path("spec")).put("partitions", "12");
    assertRejected(topic, "partitions");
  }

  @Test
  void anUnknownEnumValueIsAnError() {
    ObjectNode user = copyOf("KafkaUser", "robustcert-attack");
    ((ArrayNode) user.path("spec").path("authorization").path("acls").get(0).path("operations")).add("Reed");
    assertRejected(user, "Reed");
  }

  @Test
  void aKindWithoutModelClassOrAtAnotherVersionIsAnError() {
    ObjectNode hpa = copyOf("HorizontalPodAutoscaler", "attack-service");
    hpa.put("apiVersion", "autoscaling/v1");
    assertRejected(hpa, "no model class");
    ObjectNode scaledObject = copyOf("HorizontalPodAutoscaler", "attack-service");
    scaledObject.put("apiVersion", "keda.sh/v1alpha1").put("kind", "ScaledObject");
    assertRejected(scaledObject, "no model class");
  }

  private static ObjectNode copyOf(String kind, String name) {
    ObjectNode object = Overlays.raw(Overlays.BASE).stream()
        .filter(o -> o.path("kind").asText().equals(kind) && o.path("metadata").path("name").asText().equals(name))
        .findFirst().orElseThrow().deepCopy();
    StrictModel.read(object);
    return object;
  }

  private static void assertRejected(ObjectNode object, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> StrictModel.read(object));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
