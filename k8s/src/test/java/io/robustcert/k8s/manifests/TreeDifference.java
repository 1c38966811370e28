package io.robustcert.k8s.manifests;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Paths at which a written-back model object differs from the input. Scalars compare by their text (the
 * models write some numbers as strings: a Quantity 1 comes back as "1"); null and absent are the same, and
 * so are absent and false, 0 or an empty list or map, which the models leave out as defaults.
 */
final class TreeDifference {
  private TreeDifference() {}

  static List<String> between(JsonNode input, JsonNode output) {
    List<String> differences = new ArrayList<>();
    compare("", input, output, differences);
    return differences;
  }

  private static void compare(String path, JsonNode in, JsonNode out, List<String> differences) {
    boolean inAbsent = in == null || in.isNull();
    boolean outAbsent = out == null || out.isNull();
    if (inAbsent || outAbsent) {
      if (inAbsent != outAbsent && !(outAbsent && isDefault(in))) {
        differences.add(path + " (" + in + " -> " + out + ")");
      }
    } else if (in.isObject() && out.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        compare(path + "/" + field.getKey(), field.getValue(), out.get(field.getKey()), differences);
      }
      out.fieldNames().forEachRemaining(name -> {
        if (!in.has(name)) {
          differences.add(path + "/" + name + " (added: " + out.get(name) + ")");
        }
      });
    } else if (in.isArray() && out.isArray() && in.size() == out.size()) {
      for (int i = 0; i < in.size(); i++) {
        compare(path + "/" + i, in.get(i), out.get(i), differences);
      }
    } else if (!(in.isValueNode() && out.isValueNode() && in.asText().equals(out.asText()))) {
      differences.add(path + " (" + in + " -> " + out + ")");
    }
  }

  private static boolean isDefault(JsonNode in) {
    return (in.isBoolean() && !in.asBoolean()) || (in.isNumber() && in.asDouble() == 0)
        || (in.isContainerNode() && in.isEmpty());
  }
}
