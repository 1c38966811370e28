package io.robustcert.k8s.kustomize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KustomizeRendererTest {
  private static final Path FIXTURES = Path.of("src/test/resources/kustomize");

  @TempDir Path dir;

  @Test
  void overlayRendersToTheHandRenderedExpectation() {
    List<ObjectNode> rendered = KustomizeRenderer.render(FIXTURES.resolve("overlay/overlay"));
    List<JsonNode> expected = Yaml.readDocuments(FIXTURES.resolve("overlay/expected.yaml"));
    assertEquals(expected, List.copyOf(rendered));
  }

  @Test
  void renderedOutputReadsBackAsTheSameObjects() throws IOException {
    List<ObjectNode> rendered = KustomizeRenderer.render(FIXTURES.resolve("overlay/overlay"));
    assertEquals(List.copyOf(rendered), Yaml.readDocuments(Yaml.write(rendered)));
  }

  static Stream<Arguments> refusals() {
    return Stream.of(
        Arguments.of("an unsupported field", "commonLabels: {a: b}\n", "unsupported field 'commonLabels'"),
        Arguments.of("labels on selectors", "labels:\n  - pairs: {a: b}\n    includeSelectors: true\n",
            "only metadata labels are supported"),
        Arguments.of("a failing test operation", patch("ConfigMap", "{op: test, path: /data/k, value: other}"),
            "test failed"),
        Arguments.of("a patch on a missing path", patch("ConfigMap", "{op: replace, path: /data/missing, value: x}"),
            "no such path element 'missing'"),
        Arguments.of("a patch that matches nothing", patch("Secret", "{op: add, path: /data/x, value: y}"),
            "matches no object"),
        Arguments.of("an unsupported operation", patch("ConfigMap", "{op: move, from: /data/k, path: /data/j}"),
            "unsupported field 'from'"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void unsupportedOrFailingKustomizationsAreRefused(String what, String extra, String fragment) throws IOException {
    assertRejected(extra, fragment);
  }

  /** A kustomization of one ConfigMap plus {@code extra} must fail with a message containing {@code fragment}. */
  private void assertRejected(String extra, String fragment) throws IOException {
    write("kustomization.yaml", "resources: [a.yaml]\n" + extra);
    write("a.yaml", configMap("a"));
    assertMessage(fragment);
  }

  private static String patch(String kind, String operation) {
    return "patches:\n  - target: {kind: " + kind + "}\n    patch: '[" + operation + "]'\n";
  }

  @Test
  void missingResourcesAndDuplicateObjectsAreErrors() throws IOException {
    write("kustomization.yaml", "resources: [a.yaml, b.yaml]\n");
    write("a.yaml", configMap("a"));
    assertMessage("resource 'b.yaml' not found");
    write("b.yaml", configMap("a"));
    assertMessage("duplicate object v1 ConfigMap a");
  }

  @Test
  void duplicateYamlKeysAreErrors() throws IOException {
    write("kustomization.yaml", "resources: [a.yaml]\n");
    write("a.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\ndata: {k: w}\n");
    assertMessage("Duplicate field 'data'");
  }

  @Test
  void aNamespaceOnAClusterScopedObjectIsRefused() throws IOException {
    write("kustomization.yaml", "namespace: x\nresources: [a.yaml]\n");
    write("a.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: y}\n");
    assertMessage("cluster-scoped");
  }

  private void assertMessage(String fragment) {
    KustomizeException e = assertThrows(KustomizeException.class, () -> KustomizeRenderer.render(dir));
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private static String configMap(String name) {
    return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: " + name + "}\ndata: {k: v}\n";
  }
}
