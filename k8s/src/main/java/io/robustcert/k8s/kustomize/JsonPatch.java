package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * RFC 6902 operations {@code add}, {@code remove}, {@code replace} and {@code test} (copy and move are not
 * used by the manifests and are refused). Paths are RFC 6901 JSON pointers ({@code ~1} is '/', {@code ~0}
 * is '~'); {@code -} as the last token of an add appends to an array.
 */
public final class JsonPatch {
  private static final Set<String> OPERATIONS = Set.of("add", "remove", "replace", "test");
  private static final Set<String> FIELDS = Set.of("op", "path", "value");

  private final List<JsonNode> operations;

  private JsonPatch(List<JsonNode> operations) {
    this.operations = operations;
  }

  /** Parses a patch: a sequence of operations, each with op, path and (except remove) value. */
  public static JsonPatch parse(JsonNode patch) {
    if (!patch.isArray()) {
      throw new KustomizeException("a patch must be a list of RFC 6902 operations, got: " + patch);
    }
    List<JsonNode> operations = new ArrayList<>();
    for (JsonNode op : patch) {
      op.fieldNames().forEachRemaining(f -> {
        if (!FIELDS.contains(f)) {
          throw new KustomizeException("unsupported field '" + f + "' in patch operation " + op);
        }
      });
      String name = op.path("op").asText();
      if (!OPERATIONS.contains(name)) {
        throw new KustomizeException("unsupported patch operation '" + name + "' (supported: " + OPERATIONS + ")");
      }
      if (!op.path("path").isTextual() || !op.path("path").asText().startsWith("/")) {
        throw new KustomizeException("patch operation without an absolute path: " + op);
      }
      if (!name.equals("remove") && !op.has("value")) {
        throw new KustomizeException("patch operation without a value: " + op);
      }
      operations.add(op);
    }
    return new JsonPatch(operations);
  }

  /** Applies the operations in order to {@code target}, in place. */
  public void applyTo(ObjectNode target) {
    for (JsonNode op : operations) {
      String path = op.get("path").asText();
      try {
        apply(target, op.get("op").asText(), path, op.get("value"));
      } catch (KustomizeException e) {
        throw new KustomizeException(op.get("op").asText() + " " + path + ": " + e.getMessage(), e);
      }
    }
  }

  private static void apply(ObjectNode root, String op, String path, JsonNode value) {
    List<String> tokens = tokens(path);
    JsonNode parent = root;
    for (String token : tokens.subList(0, tokens.size() - 1)) {
      parent = child(parent, token);
    }
    String last = tokens.get(tokens.size() - 1);
    switch (op) {
      case "test" -> {
        if (!child(parent, last).equals(value)) {
          throw new KustomizeException("test failed: found " + child(parent, last) + ", expected " + value);
        }
      }
      case "remove" -> {
        child(parent, last);
        remove(parent, last);
      }
      case "replace" -> {
        child(parent, last);
        if (parent.isArray()) {
          ((ArrayNode) parent).set(index(parent, last, false), value.deepCopy());
        } else {
          ((ObjectNode) parent).set(last, value.deepCopy());
        }
      }
      default -> add(parent, last, value.deepCopy());
    }
  }

  private static List<String> tokens(String path) {
    List<String> tokens = new ArrayList<>();
    for (String raw : path.substring(1).split("/", -1)) {
      tokens.add(raw.replace("~1", "/").replace("~0", "~"));
    }
    return tokens;
  }

  private static JsonNode child(JsonNode node, String token) {
    JsonNode child = node.isArray() ? node.get(index(node, token, false)) : node.get(token);
    if (child == null || !(node.isArray() || node.isObject())) {
      throw new KustomizeException("no such path element '" + token + "'");
    }
    return child;
  }

  private static void remove(JsonNode parent, String token) {
    if (parent.isArray()) {
      ((ArrayNode) parent).remove(index(parent, token, false));
    } else {
      ((ObjectNode) parent).remove(token);
    }
  }

  private static void add(JsonNode parent, String token, JsonNode value) {
    if (parent.isArray()) {
      ArrayNode array = (ArrayNode) parent;
      if (token.equals("-")) {
        array.add(value);
      } else {
        array.insert(index(parent, token, true), value);
      }
    } else if (parent.isObject()) {
      ((ObjectNode) parent).set(token, value);
    } else {
      throw new KustomizeException("cannot add '" + token + "' to a scalar");
    }
  }

  private static int index(JsonNode array, String token, boolean forInsert) {
    if (!token.matches("0|[1-9][0-9]{0,8}")) {
      throw new KustomizeException("'" + token + "' is not an array index");
    }
    int index = Integer.parseInt(token);
    int limit = forInsert ? array.size() : array.size() - 1;
    if (index > limit) {
      throw new KustomizeException("index " + index + " out of bounds (size " + array.size() + ")");
    }
    return index;
  }
}
