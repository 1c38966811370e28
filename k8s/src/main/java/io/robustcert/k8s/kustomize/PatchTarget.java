package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Which objects a patch applies to: every given field must match; an absent field matches anything.
 * Names match exactly (kustomize would read them as anchored regular expressions; the manifests use
 * plain names, for which both agree). Label and annotation selectors are not supported.
 */
public record PatchTarget(String group, String version, String kind, String name) {
  static final Set<String> FIELDS = Set.of("group", "version", "kind", "name");

  static PatchTarget parse(JsonNode target) {
    if (target == null || !target.isObject()) {
      throw new KustomizeException("a patch needs a target (group, version, kind, name)");
    }
    target.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw new KustomizeException("unsupported patch target field '" + f + "' (supported: " + FIELDS + ")");
      }
    });
    return new PatchTarget(text(target, "group"), text(target, "version"), text(target, "kind"), text(target, "name"));
  }

  private static String text(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asText() : null;
  }

  public boolean matches(JsonNode object) {
    String apiVersion = object.path("apiVersion").asText();
    int slash = apiVersion.indexOf('/');
    String objectGroup = slash < 0 ? "" : apiVersion.substring(0, slash);
    String objectVersion = apiVersion.substring(slash + 1);
    return (group == null || group.equals(objectGroup))
        && (version == null || version.equals(objectVersion))
        && (kind == null || kind.equals(object.path("kind").asText()))
        && (name == null || name.equals(object.path("metadata").path("name").asText()));
  }
}
