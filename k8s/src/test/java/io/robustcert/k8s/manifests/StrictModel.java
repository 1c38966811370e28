package io.robustcert.k8s.manifests;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.Annotated;
import com.fasterxml.jackson.databind.introspect.JacksonAnnotationIntrospector;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads rendered objects into the fabric8 and Strimzi model classes with every leniency switched off.
 * Both models keep unknown fields in an "additional properties" map through {@code @JsonAnySetter}, which
 * would accept any typo; here any-setters are not honoured, so an unknown field fails as unrecognised.
 * Scalars are not coerced ("3" is no int), and an apiVersion/kind pair without a model class is an error.
 * Last, the object is written back from the model and compared with the input: a value the model dropped
 * or changed (Strimzi's enums read unknown names as null) is an error too. Strimzi kinds must use the
 * non-deprecated API version v1.
 */
final class StrictModel {
  /** The kinds the manifests may use, at the API versions of these classes. */
  static final List<Class<? extends HasMetadata>> KINDS = List.of(Deployment.class, Service.class,
      ServiceAccount.class, PodTemplate.class, PersistentVolumeClaim.class, Role.class, RoleBinding.class,
      PodDisruptionBudget.class, HorizontalPodAutoscaler.class, NetworkPolicy.class, Kafka.class,
      KafkaNodePool.class, KafkaTopic.class, KafkaUser.class);

  private static final Map<String, Class<? extends HasMetadata>> BY_TYPE =
      KINDS.stream().collect(Collectors.toMap(StrictModel::type, Function.identity()));
  private static final String STRIMZI_VERSION = "v1";

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .annotationIntrospector(new JacksonAnnotationIntrospector() {
        private static final long serialVersionUID = 1L;

        @Override
        public Boolean hasAnySetter(Annotated a) {
          return Boolean.FALSE;
        }
      })
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_IGNORED_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private static final ObjectMapper WRITER = new ObjectMapper();

  private StrictModel() {}

  /**
   * "apiVersion kind". fabric8 classes carry one version; Strimzi's serve several (static VERSIONS), of which
   * v1 is required here (v1beta2 is deprecated and leaves with Strimzi 1.0).
   */
  static String type(Class<? extends HasMetadata> kind) {
    if (!HasMetadata.getGroup(kind).equals("kafka.strimzi.io")) {
      return HasMetadata.getApiVersion(kind) + " " + HasMetadata.getKind(kind);
    }
    try {
      List<?> versions = (List<?>) kind.getField("VERSIONS").get(null);
      if (!versions.contains(STRIMZI_VERSION)) {
        throw new IllegalStateException(kind.getName() + " does not serve " + STRIMZI_VERSION + ": " + versions);
      }
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(kind.getName() + " has no VERSIONS", e);
    }
    return HasMetadata.getGroup(kind) + "/" + STRIMZI_VERSION + " " + HasMetadata.getKind(kind);
  }

  /** The object as its model class; IllegalArgumentException naming the object and the offending field. */
  static HasMetadata read(ObjectNode object) {
    String type = object.path("apiVersion").asText() + " " + object.path("kind").asText();
    Class<? extends HasMetadata> kind = BY_TYPE.get(type);
    String id = type + " " + object.path("metadata").path("name").asText();
    if (kind == null) {
      throw new IllegalArgumentException(id + ": no model class for " + type + " (known: " + BY_TYPE.keySet() + ")");
    }
    HasMetadata model;
    try {
      model = MAPPER.treeToValue(object, kind);
    } catch (Exception e) {
      throw new IllegalArgumentException(id + ": " + e.getMessage(), e);
    }
    // apiVersion is checked above; Strimzi's models write their storage version (v1beta2) back.
    ObjectNode written = WRITER.valueToTree(model);
    written.set("apiVersion", object.get("apiVersion"));
    List<String> differences = TreeDifference.between(object, written);
    if (!differences.isEmpty()) {
      throw new IllegalArgumentException(id + ": the model does not keep " + differences);
    }
    return model;
  }
}
