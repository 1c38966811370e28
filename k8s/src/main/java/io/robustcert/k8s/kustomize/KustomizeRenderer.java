package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Renders a kustomization directory into the list of objects {@code kustomize build} would print. */
public final class KustomizeRenderer {
  /** Kinds that have no namespace; the manifests use none, and a namespace cannot be applied to them. */
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
      "CustomResourceDefinition", "PersistentVolume", "StorageClass", "PriorityClass",
      "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration");

  private KustomizeRenderer() {}

  public static List<ObjectNode> render(Path directory) {
    return render(directory.toAbsolutePath().normalize(), new HashSet<>());
  }

  private static List<ObjectNode> render(Path directory, Set<Path> visiting) {
    if (!visiting.add(directory)) {
      throw new KustomizeException(directory + ": kustomization includes itself");
    }
    Kustomization k = Kustomization.read(directory);
    List<ObjectNode> objects = new ArrayList<>();
    for (String resource : k.resources()) {
      Path path = directory.resolve(resource).normalize();
      if (Files.isDirectory(path)) {
        objects.addAll(render(path, visiting));
      } else if (Files.isRegularFile(path)) {
        objects.addAll(objects(path));
      } else {
        throw new KustomizeException(directory + ": resource '" + resource + "' not found");
      }
    }
    visiting.remove(directory);
    requireUniqueIds(directory, objects);
    for (Kustomization.Patch patch : k.patches()) {
      apply(directory, patch, objects);
    }
    if (k.namespace() != null) {
      for (ObjectNode object : objects) {
        if (CLUSTER_SCOPED.contains(object.path("kind").asText())) {
          throw new KustomizeException(directory + ": cannot set a namespace on cluster-scoped " + id(object));
        }
        ((ObjectNode) object.get("metadata")).put("namespace", k.namespace());
      }
    }
    for (ObjectNode object : objects) {
      ObjectNode metadata = (ObjectNode) object.get("metadata");
      if (!k.labels().isEmpty()) {
        ObjectNode labels = metadata.has("labels") ? (ObjectNode) metadata.get("labels") : metadata.putObject("labels");
        k.labels().forEach(labels::put);
      }
      k.images().forEach(image -> image.applyTo(object));
    }
    return objects;
  }

  private static List<ObjectNode> objects(Path file) {
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode document : Yaml.readDocuments(file)) {
      if (!document.isObject() || !document.path("apiVersion").isTextual() || !document.path("kind").isTextual()
          || !document.path("metadata").path("name").isTextual()) {
        throw new KustomizeException(file + ": every document needs apiVersion, kind and metadata.name");
      }
      objects.add((ObjectNode) document);
    }
    return objects;
  }

  private static void apply(Path directory, Kustomization.Patch patch, List<ObjectNode> objects) {
    int matched = 0;
    for (ObjectNode object : objects) {
      if (patch.target().matches(object)) {
        matched++;
        try {
          patch.operations().applyTo(object);
        } catch (KustomizeException e) {
          throw new KustomizeException(directory + ": patch on " + id(object) + ": " + e.getMessage(), e);
        }
      }
    }
    if (matched == 0) {
      throw new KustomizeException(directory + ": patch target " + patch.target() + " matches no object");
    }
  }

  private static void requireUniqueIds(Path directory, List<ObjectNode> objects) {
    Set<String> ids = new HashSet<>();
    for (ObjectNode object : objects) {
      if (!ids.add(id(object))) {
        throw new KustomizeException(directory + ": duplicate object " + id(object));
      }
    }
  }

  static String id(JsonNode object) {
    return object.path("apiVersion").asText() + " " + object.path("kind").asText() + " "
        + object.path("metadata").path("name").asText();
  }

  /** Prints the rendered objects of the directory given as the only argument (for kubectl apply -f -). */
  public static void main(String[] args) {
    if (args.length != 1) {
      System.err.println("usage: KustomizeRenderer DIRECTORY");
      System.exit(2);
    }
    try {
      System.out.print(Yaml.write(render(Path.of(args[0]))));
    } catch (KustomizeException e) {
      System.err.println(e.getMessage());
      System.exit(2);
    }
  }
}
