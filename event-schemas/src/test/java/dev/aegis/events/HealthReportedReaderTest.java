package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.events.data.HealthReported;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The streaming health-window reader against the tree path it stands in for: wherever it returns a
 * window, the event mapper parses the same bytes, the whole schema accepts them, and the binder
 * makes an equal record; and it answers for exactly the documents the shortcut passes, so it
 * carries the same share of the traffic.
 */
class HealthReportedReaderTest {

  private static final SchemaCatalog SCHEMAS = new SchemaCatalog();
  private static final HealthReportedReader READER = new HealthReportedReader();

  @Test
  void readsWhatTheTreePathBindsAndNothingElse() {
    List<String> documents = new ArrayList<>(HealthDocuments.generated());
    documents.addAll(rawForms());
    int read = 0;
    int schemaValid = 0;
    for (String text : documents) {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      HealthReported fast = READER.read(bytes);
      Reference reference = Reference.of(bytes);
      schemaValid += reference.record() != null ? 1 : 0;
      if (fast != null) {
        read++;
        assertThat(reference.record()).as("the tree path's record for %s", text).isEqualTo(fast);
      }
      if (reference.tree() != null) {
        assertThat(fast != null)
            .as("reader and shortcut agree on %s", text)
            .isEqualTo(
                reference.finite()
                    && !HealthReportedReader.mayHoldNul(bytes)
                    && HealthReportedShortcut.certainlyValid(reference.tree()));
      }
    }
    assertThat(schemaValid).isBetween(documents.size() / 20, documents.size() - 1000);
    assertThat(read).isGreaterThan(schemaValid / 2);
  }

  @Test
  void readsTheWindowsMonitorsSend() {
    var encoded =
        new EventCodec()
            .encodeBinary(
                Events.envelope(EventType.HEALTH_REPORTED, "h-1", "/tests", null, Samples.T0),
                Samples.health());
    assertThat(READER.read(encoded.value())).isEqualTo(Samples.health());
    String spaced =
        "\n {\t\"service\" : \"checkout\" ,\"version\":\"\\u0031.0\", \"track\":\"canary\","
            + "\"windowStart\":\"2026-12-05T10:00:00Z\",\"windowEnd\":\"2026-12-05T10:00:30Z\","
            + "\"requests\":10,\"errors\":0,\"latencyMs\":{\"p99\":3,\"p50\":1,\"p95\":2,\"p999\":[{}]},"
            + "\"extra\":{\"deep\":[[[null]]]}} \r\n";
    HealthReported window = READER.read(spaced.getBytes(StandardCharsets.UTF_8));
    assertThat(window).isNotNull();
    assertThat(window.version()).isEqualTo("1.0");
    assertThat(window.latencyMs().p99()).isEqualTo(3.0);
    assertThat(window.namespace()).isNull();
    assertThat(window.cpuUtilization()).isNull();
  }

  @Test
  void leavesAmbiguousOrMalformedDocumentsToTheTreePath() {
    for (String text : rawForms()) {
      if (Reference.of(text.getBytes(StandardCharsets.UTF_8)).tree() == null) {
        assertThat(READER.read(text.getBytes(StandardCharsets.UTF_8))).as(text).isNull();
      }
    }
    assertThat(READER.read(null)).isNull();
    assertThat(READER.read(new byte[0])).isNull();
  }

  @Test
  void everyRawFormChangesTheDocument() {
    String valid = HealthDocuments.text(Map.of());
    assertThat(rawForms()).doesNotContain(valid).doesNotHaveDuplicates();
  }

  /** Forms only raw text can carry: repeated keys, trailing tokens, broken JSON, other roots. */
  private static List<String> rawForms() {
    String valid = HealthDocuments.text(Map.of());
    String body = valid.substring(1, valid.length() - 1);
    return List.of(
        "{" + body + ",\"service\":\"other\"}",
        "{" + body + ",\"extra\":1,\"extra\":2}",
        "{" + body + ",\"latencyMs\":{\"p50\":1,\"p95\":2,\"p99\":3}}",
        "{" + body.replace("\"p50\":42.5", "\"p50\":42.5,\"p50\":1") + "}",
        "{" + body + ",\"extra\":{\"a\":1,\"a\":2}}",
        "{" + body.replace("\"p50\":42.5", "\"p50\":42.5,\"p999\":1,\"p999\":2") + "}",
        "{" + body + ",\"extra\":[{\"a\":1},{\"b\":{\"a\":2,\"a\":3}}]}",
        "{" + body + ",\"extra\":[{\"a\":1},{\"a\":2,\"b\":{\"a\":3}}]}",
        "{" + body + ",\"extra\":{\"a\":{\"b\":1},\"b\":2}}",
        valid + " {}",
        valid + " x",
        valid + valid,
        valid.substring(0, valid.length() - 1),
        valid.substring(0, valid.length() / 2),
        "[" + valid + "]",
        "null",
        "\"" + valid.replace("\"", "\\\"") + "\"",
        "{" + body + ",\"extra\":[1,2,}",
        "{" + body + ",\"extra\":NaN}",
        "{" + body.replace("1200", "1E3") + "}",
        "{" + body.replace("1200", "1200.0") + "}",
        "{" + body.replace("0.63", "6.3e-1") + "}",
        "{" + body.replace("\"checkout\"", "\"\\u0063heckout\"") + "}",
        "{" + body.replace("\"canary\"", "\"\\u0063anary\"") + "}",
        "{" + body.replace("42.5", "1e400") + "}",
        "{" + body + ",\"extra\":{\"deep\":[1, -1e400]}}",
        "{" + body.replace("\"p50\":42.5", "\"p50\":42.5,\"p999\":1e999") + "}",
        "{" + body.replace("1200", "1" + "0".repeat(30)) + "}",
        "{" + body + ",\"extra\":\"" + "x".repeat(100_000) + "\"}",
        "{" + body + ",\"extra\":" + "[".repeat(2_000) + "]".repeat(2_000) + "}");
  }

  /**
   * The tree path: the event mapper's tree, the codec's refusal of infinite numbers, the whole
   * schema, then the binder.
   */
  private record Reference(JsonNode tree, boolean finite, HealthReported record) {
    static Reference of(byte[] bytes) {
      JsonNode tree;
      try {
        tree = EventJson.mapper().readTree(bytes);
      } catch (Exception notJson) {
        return new Reference(null, false, null);
      }
      if (tree == null) {
        return new Reference(null, false, null);
      }
      try {
        SchemaCatalog.requireFiniteNumbers(tree);
      } catch (Rejection infinite) {
        return new Reference(tree, false, null);
      }
      try {
        SCHEMAS.requireValidBySchema(EventType.HEALTH_REPORTED, tree);
        return new Reference(
            tree, true, EventJson.mapper().readerFor(HealthReported.class).readValue(tree));
      } catch (Exception rejected) {
        return new Reference(tree, true, null);
      }
    }
  }
}
