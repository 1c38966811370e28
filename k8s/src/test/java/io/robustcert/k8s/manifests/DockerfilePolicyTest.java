package io.robustcert.k8s.manifests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The images the manifests name have a Dockerfile, and each Dockerfile matches the pods' security settings. */
class DockerfilePolicyTest {
  private static final Path DOCKER = Path.of("../docker");

  @Test
  void everyImageInTheManifestsHasADockerfile() throws IOException {
    Set<String> images = new TreeSet<>();
    for (String overlay : Overlays.all().toList()) {
      for (PodSpecs pod : PodSpecs.of(Overlays.model(overlay))) {
        for (Container c : Policies.containers(pod)) {
          String name = c.getImage().substring(0, c.getImage().lastIndexOf(':'));
          images.add(name.substring(name.lastIndexOf('/') + 1));
        }
        assertEquals(10001L, pod.spec().getSecurityContext().getRunAsUser(), pod.owner() + ": the images' UID");
      }
    }
    assertEquals(Set.of("attack-service", "certifier-service", "trainer-service", "trainer-service-cuda"), images);
    Set<String> dockerfiles = dockerfiles().map(p -> p.getFileName().toString().replace(".Dockerfile", ""))
        .map(n -> n.equals("trainer-cuda") ? "trainer-service-cuda" : n).collect(Collectors.toCollection(TreeSet::new));
    assertEquals(images, dockerfiles);
  }

  @Test
  void everyDockerfileIsPinnedAndRunsAsTheManifestsUser() throws IOException {
    for (Path file : dockerfiles().toList()) {
      List<String> lines = Files.readAllLines(file).stream().map(String::strip)
          .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
      List<String> from = lines.stream().filter(l -> l.startsWith("FROM ")).toList();
      assertEquals(1, from.size(), file + ": one stage, from the Maven-built fast-jar");
      String base = from.get(0).substring(5).strip();
      assertTrue(base.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?"),
          file + ": base image pinned to a version tag: " + base);
      String user = lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("");
      assertEquals("USER 10001:10001", user, file + ": the UID the pods' runAsUser names, numeric for runAsNonRoot");
      assertTrue(lines.stream().anyMatch(l -> l.contains("quarkus-app/quarkus-run.jar")), file + ": the fast-jar");
      assertTrue(lines.get(lines.size() - 1).contains("-Dorg.bytedeco.javacpp.cachedir=/tmp/javacpp"),
          file + ": ND4J's natives unpack to /tmp, the only writable path besides the store");
    }
  }

  private static Stream<Path> dockerfiles() throws IOException {
    try (Stream<Path> files = Files.list(DOCKER)) {
      return files.filter(p -> p.toString().endsWith(".Dockerfile")).sorted().toList().stream();
    }
  }
}
