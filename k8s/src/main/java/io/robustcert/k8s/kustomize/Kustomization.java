package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** One kustomization.yaml, restricted to the supported fields (see the package documentation). */
public record Kustomization(Path directory, List<String> resources, String namespace, Map<String, String> labels,
    List<Patch> patches, List<ImageOverride> images) {

  /** A patch and the objects it applies to. */
  public record Patch(PatchTarget target, JsonPatch operations) {}

  private static final Set<String> FIELDS =
      Set.of("apiVersion", "kind", "resources", "namespace", "labels", "patches", "images");
  private static final Set<String> LABEL_FIELDS = Set.of("pairs", "includeSelectors", "includeTemplates");

  public static Kustomization read(Path directory) {
    Path file = directory.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new KustomizeException(directory + ": no kustomization.yaml");
    }
    List<JsonNode> documents = Yaml.readDocuments(file);
    if (documents.size() != 1 || !documents.get(0).isObject()) {
      throw new KustomizeException(file + ": expected one YAML mapping");
    }
    JsonNode k = documents.get(0);
    try {
      k.fieldNames().forEachRemaining(f -> {
        if (!FIELDS.contains(f)) {
          throw new KustomizeException("unsupported field '" + f + "' (supported: " + FIELDS + ")");
        }
      });
      String kind = k.path("kind").asText("Kustomization");
      if (!kind.equals("Kustomization")) {
        throw new KustomizeException("kind must be Kustomization, got " + kind);
      }
      List<String> resources = new ArrayList<>();
      list(k, "resources").forEach(r -> resources.add(r.asText()));
      String namespace = k.has("namespace") ? k.get("namespace").asText() : null;
      List<Patch> patches = new ArrayList<>();
      for (JsonNode p : list(k, "patches")) {
        patches.add(patch(directory, p));
      }
      List<ImageOverride> images = new ArrayList<>();
      list(k, "images").forEach(i -> images.add(ImageOverride.parse(i)));
      return new Kustomization(directory, resources, namespace, labels(k), patches, images);
    } catch (KustomizeException e) {
      throw new KustomizeException(file + ": " + e.getMessage(), e);
    }
  }

  private static Iterable<JsonNode> list(JsonNode k, String field) {
    JsonNode value = k.get(field);
    if (value == null) {
      return List.of();
    }
    if (!value.isArray()) {
      throw new KustomizeException("'" + field + "' must be a list");
    }
    return (ArrayNode) value;
  }

  private static Map<String, String> labels(JsonNode k) {
    Map<String, String> labels = new LinkedHashMap<>();
    for (JsonNode entry : list(k, "labels")) {
      entry.fieldNames().forEachRemaining(f -> {
        if (!LABEL_FIELDS.contains(f)) {
          throw new KustomizeException("unsupported labels field '" + f + "'");
        }
      });
      if (entry.path("includeSelectors").asBoolean(false) || entry.path("includeTemplates").asBoolean(false)) {
        throw new KustomizeException("labels: only metadata labels are supported (includeSelectors and"
            + " includeTemplates must be false)");
      }
      entry.path("pairs").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
    }
    return labels;
  }

  private static Patch patch(Path directory, JsonNode p) {
    p.fieldNames().forEachRemaining(f -> {
      if (!Set.of("target", "patch", "path").contains(f)) {
        throw new KustomizeException("unsupported patches field '" + f + "' (supported: target, patch, path)");
      }
    });
    if (p.has("patch") == p.has("path")) {
      throw new KustomizeException("a patch needs exactly one of 'patch' (inline) and 'path'");
    }
    List<JsonNode> operations;
    try {
      operations = p.has("patch")
          ? Yaml.readDocuments(p.get("patch").asText())
          : Yaml.readDocuments(directory.resolve(p.get("path").asText()));
    } catch (java.io.IOException e) {
      throw new KustomizeException("unreadable inline patch: " + e.getMessage(), e);
    }
    if (operations.size() != 1) {
      throw new KustomizeException("a patch must be one YAML document");
    }
    return new Patch(PatchTarget.parse(p.get("target")), JsonPatch.parse(operations.get(0)));
  }
}
