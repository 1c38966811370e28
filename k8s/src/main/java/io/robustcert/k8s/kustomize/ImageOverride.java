package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Set;

/**
 * One {@code images:} entry. As in kustomize, it rewrites the {@code image} of every element of any
 * {@code containers} or {@code initContainers} list, at any depth of any object, whose image name
 * (the reference without tag or digest) equals {@link #name}: the name becomes {@link #newName} if given,
 * and the tag becomes {@link #newTag}, or the reference ends in {@code @digest} if a digest is given.
 */
public record ImageOverride(String name, String newName, String newTag, String digest) {
  static final Set<String> FIELDS = Set.of("name", "newName", "newTag", "digest");

  public ImageOverride {
    if (name == null || name.isBlank()) {
      throw new KustomizeException("an images entry needs a name");
    }
  }

  static ImageOverride parse(JsonNode entry) {
    entry.fieldNames().forEachRemaining(f -> {
      if (!FIELDS.contains(f)) {
        throw new KustomizeException("unsupported images field '" + f + "' (supported: " + FIELDS + ")");
      }
    });
    return new ImageOverride(entry.path("name").asText(null), text(entry, "newName"), text(entry, "newTag"),
        text(entry, "digest"));
  }

  private static String text(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asText() : null;
  }

  /** Rewrites matching images in {@code node} and everything below it. */
  public void applyTo(JsonNode node) {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        boolean containerList = field.getKey().equals("containers") || field.getKey().equals("initContainers");
        if (containerList && field.getValue().isArray()) {
          field.getValue().forEach(this::rewrite);
        }
        applyTo(field.getValue());
      }
    } else if (node.isArray()) {
      node.forEach(this::applyTo);
    }
  }

  private void rewrite(JsonNode container) {
    JsonNode image = container.get("image");
    if (container.isObject() && image != null && image.isTextual()) {
      String rewritten = rewrite(image.asText());
      if (rewritten != null) {
        ((ObjectNode) container).put("image", rewritten);
      }
    }
  }

  /** The new reference, or null if {@code reference} is not an image named {@link #name}. */
  String rewrite(String reference) {
    String rest = reference;
    String suffix = "";
    int at = rest.indexOf('@');
    if (at >= 0) {
      suffix = rest.substring(at);
      rest = rest.substring(0, at);
    }
    int colon = rest.lastIndexOf(':');
    if (colon > rest.lastIndexOf('/')) {
      suffix = rest.substring(colon) + suffix;
      rest = rest.substring(0, colon);
    }
    if (!rest.equals(name)) {
      return null;
    }
    String result = newName != null ? newName : rest;
    if (digest != null) {
      return result + "@" + digest;
    }
    return newTag != null ? result + ":" + newTag : result + suffix;
  }
}
