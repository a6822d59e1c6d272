package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The health-window shortcut may only say "valid" where the schema says so too, over {@link
 * HealthDocuments}. Each is read by the event mapper, as the codec reads it, so the node types
 * match.
 */
class HealthReportedShortcutTest {

  private static final SchemaCatalog SCHEMAS = new SchemaCatalog();

  @Test
  void saysValidOnlyWhereTheSchemaAccepts() throws Exception {
    List<JsonNode> documents = new ArrayList<>();
    for (String text : HealthDocuments.generated()) {
      documents.add(EventJson.mapper().readTree(text));
    }

    int shortcut = 0;
    int schemaValid = 0;
    for (JsonNode document : documents) {
      boolean accepted = schemaAccepts(document);
      schemaValid += accepted ? 1 : 0;
      if (HealthReportedShortcut.certainlyValid(document)) {
        shortcut++;
        assertThat(accepted).as("the schema accepts %s", document).isTrue();
      }
    }
    // The generator must reach both sides, and the shortcut must carry a real share of the valid.
    assertThat(schemaValid).isBetween(documents.size() / 20, documents.size() - 1000);
    assertThat(shortcut).isGreaterThan(schemaValid / 2);
  }

  @Test
  void takesTheWindowsMonitorsSend() throws Exception {
    assertThat(HealthReportedShortcut.certainlyValid(document(Map.of()))).isTrue();
    assertThat(
            HealthReportedShortcut.certainlyValid(
                document(
                    Map.of(
                        "namespace",
                        HealthDocuments.REMOVE,
                        "cpuUtilization",
                        HealthDocuments.REMOVE,
                        "memoryUtilization",
                        "1",
                        "extra",
                        "{\"any\": [1, 2]}"))))
        .isTrue();
    var encoded =
        new EventCodec()
            .encodeBinary(
                Events.envelope(EventType.HEALTH_REPORTED, "h-1", "/tests", null, Samples.T0),
                Samples.health());
    assertThat(HealthReportedShortcut.certainlyValid(EventJson.mapper().readTree(encoded.value())))
        .isTrue();
  }

  @Test
  void aDocumentItDeclinesStillGetsTheSchemasPreciseViolation() throws Exception {
    JsonNode document = document(Map.of("service", "\"Checkout\""));
    assertThat(HealthReportedShortcut.certainlyValid(document)).isFalse();

    assertThatThrownBy(() -> SCHEMAS.requireValid(EventType.HEALTH_REPORTED, document))
        .isInstanceOf(Rejection.class)
        .hasMessageContaining("/service")
        .hasMessageContaining("DNS-1123 label");
  }

  private static boolean schemaAccepts(JsonNode document) {
    try {
      SCHEMAS.requireValidBySchema(EventType.HEALTH_REPORTED, document);
      return true;
    } catch (Rejection rejected) {
      return false;
    }
  }

  /** The valid window with {@code changes} applied (see {@link HealthDocuments#text}). */
  private static JsonNode document(Map<String, String> changes) throws Exception {
    return EventJson.mapper().readTree(HealthDocuments.text(changes));
  }
}
