package dev.aegis.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@code aegis submit -f} is given: the REST body of {@code POST /api/v1/experiments},
 * or a Kubernetes {@code Experiment} manifest ({@code apiVersion: aegis.dev/v1alpha1}) whose {@code
 * spec} is that body, in YAML or JSON (JSON is YAML). A manifest's namespace comes from its spec,
 * else from its metadata.
 *
 * <p>Numbers are read exactly, so a version written unquoted ({@code version: 1.10}) stays {@code
 * "1.10"} rather than becoming the float 1.1.
 */
final class ExperimentFile {
  static final String API_GROUP = "aegis.dev/";

  private static final YAMLMapper YAML =
      YAMLMapper.builder()
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .configure(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES, false)
          .build();

  private ExperimentFile() {}

  /** The submission body in {@code text}; {@code name} names the file in error messages. */
  static ObjectNode submission(String text, String name) {
    JsonNode document = single(text, name);
    ObjectNode body;
    if (document.has("kind") || document.has("apiVersion")) {
      body = fromManifest(document, name);
    } else if (document.isObject()) {
      body = (ObjectNode) document.deepCopy();
    } else {
      throw CliException.usage(
          name + ": expected an experiment (a mapping with service, namespace, candidate)");
    }
    textual(body, "service");
    textual(body, "namespace");
    if (body.path("candidate").isObject()) {
      textual((ObjectNode) body.get("candidate"), "version");
      textual((ObjectNode) body.get("candidate"), "image");
    }
    return body;
  }

  private static JsonNode single(String text, String name) {
    List<JsonNode> documents = new ArrayList<>();
    // One tree per YAML document: readValues() would split a top-level list into its items.
    try (JsonParser parser = YAML.createParser(text)) {
      while (parser.nextToken() != null) {
        JsonNode d = YAML.readTree(parser);
        if (d != null && !d.isNull() && !d.isMissingNode()) {
          documents.add(d);
        }
      }
    } catch (JsonProcessingException e) {
      throw CliException.usage(
          name
              + ": not valid YAML or JSON: "
              + e.getOriginalMessage()
              + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
    } catch (IOException e) {
      throw CliException.usage(name + ": cannot read: " + e.getMessage());
    }
    if (documents.size() != 1) {
      throw CliException.usage(
          name
              + ": expected one experiment, found "
              + documents.size()
              + " documents; submit one experiment per file");
    }
    return documents.get(0);
  }

  private static ObjectNode fromManifest(JsonNode manifest, String name) {
    String kind = manifest.path("kind").asText("");
    String apiVersion = manifest.path("apiVersion").asText("");
    if (!"Experiment".equals(kind) || !apiVersion.startsWith(API_GROUP)) {
      throw CliException.usage(
          name
              + ": a manifest must be kind Experiment, apiVersion "
              + API_GROUP
              + "v1alpha1; this one is kind '"
              + kind
              + "', apiVersion '"
              + apiVersion
              + "'");
    }
    if (!manifest.path("spec").isObject()) {
      throw CliException.usage(name + ": the Experiment has no spec");
    }
    ObjectNode body = (ObjectNode) manifest.get("spec").deepCopy();
    String namespace = manifest.path("metadata").path("namespace").asText(null);
    if (!body.hasNonNull("namespace") && namespace != null) {
      body.put("namespace", namespace);
    }
    return body;
  }

  /**
   * An unquoted YAML scalar that looks like a number, turned back into the text that was written.
   */
  private static void textual(ObjectNode node, String field) {
    JsonNode v = node.get(field);
    if (v != null && v.isNumber()) {
      node.put(field, v.isBigDecimal() ? v.decimalValue().toPlainString() : v.asText());
    }
  }
}
