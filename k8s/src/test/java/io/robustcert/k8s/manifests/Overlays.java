package io.robustcert.k8s.manifests;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.robustcert.k8s.kustomize.KustomizeRenderer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The kustomizations of k8s/, rendered once per test JVM, raw and as model objects. */
final class Overlays {
  static final String BASE = "base";
  static final String DEV = "overlays/dev";
  static final String GPU = "overlays/gpu";

  private static final Map<String, List<ObjectNode>> RAW = new ConcurrentHashMap<>();
  private static final Map<String, List<HasMetadata>> MODEL = new ConcurrentHashMap<>();

  private Overlays() {}

  static Stream<String> all() {
    return Stream.of(BASE, DEV, GPU);
  }

  /** Module-relative: Maven runs the tests with k8s/ as the working directory. */
  static List<ObjectNode> raw(String overlay) {
    return RAW.computeIfAbsent(overlay, o -> List.copyOf(KustomizeRenderer.render(Path.of(o))));
  }

  static List<HasMetadata> model(String overlay) {
    return MODEL.computeIfAbsent(overlay, o -> raw(o).stream().map(StrictModel::read).toList());
  }

  static <T extends HasMetadata> List<T> ofKind(String overlay, Class<T> kind) {
    return model(overlay).stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  static <T extends HasMetadata> T named(String overlay, Class<T> kind, String name) {
    return ofKind(overlay, kind).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError(overlay + ": no " + kind.getSimpleName() + " " + name));
  }
}
