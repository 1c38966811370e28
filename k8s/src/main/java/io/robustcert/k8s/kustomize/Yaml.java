package io.robustcert.k8s.kustomize;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** YAML in and out: duplicate keys are errors, empty documents (comments only) are skipped. */
public final class Yaml {
  private static final ObjectMapper MAPPER = new ObjectMapper(YAMLFactory.builder()
      .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
      .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
      .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
      .build())
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private Yaml() {}

  /** The mapper used for every read, for callers that bind YAML to classes. */
  public static ObjectMapper mapper() {
    return MAPPER;
  }

  public static List<JsonNode> readDocuments(Path file) {
    try {
      return readDocuments(Files.readString(file));
    } catch (IOException | RuntimeException e) {
      throw new KustomizeException(file + ": " + e.getMessage(), e);
    }
  }

  public static List<JsonNode> readDocuments(String text) throws IOException {
    // One readTree per document: a MappingIterator would unwrap a top-level sequence (an RFC 6902 patch).
    List<JsonNode> documents = new ArrayList<>();
    try (JsonParser parser = MAPPER.createParser(text)) {
      while (parser.nextToken() != null) {
        JsonNode document = MAPPER.readTree(parser);
        if (document != null && !document.isNull() && !document.isMissingNode()) {
          documents.add(document);
        }
      }
    }
    return documents;
  }

  /** The objects as one multi-document YAML stream, each document started by "---". */
  public static String write(List<? extends JsonNode> documents) {
    StringBuilder out = new StringBuilder();
    for (JsonNode document : documents) {
      try {
        out.append("---\n").append(MAPPER.writeValueAsString(document));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out.toString();
  }
}
