package dev.aegis.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** How a command prints what the API answered: for people ({@link #TABLE}) or for programs. */
enum OutputFormat {
  /** Aligned tables and short descriptions. */
  TABLE,
  /** The API's JSON, unchanged, pretty-printed. */
  JSON,
  /** The API's JSON as YAML. */
  YAML;

  private static final ObjectWriter PRETTY_JSON = ApiClient.JSON.writerWithDefaultPrettyPrinter();
  private static final YAMLMapper YAML_MAPPER =
      YAMLMapper.builder()
          .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
          .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
          .build();

  /** {@code node} in this machine-readable format, ending in a newline. */
  String render(JsonNode node) {
    try {
      return switch (this) {
        case JSON -> PRETTY_JSON.writeValueAsString(node) + "\n";
        case YAML -> YAML_MAPPER.writeValueAsString(node);
        case TABLE -> throw new IllegalStateException("tables are rendered by each command");
      };
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot render the API's answer as " + this, e);
    }
  }

  /** {@code node} on one line, for a stream of JSON documents ({@code watch -o json}). */
  static String compact(JsonNode node) {
    return node.toString();
  }
}
