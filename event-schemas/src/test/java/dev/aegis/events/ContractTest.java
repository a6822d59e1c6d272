package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.LifecycleTransitioned;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.events.data.Track;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The public contract of DESIGN.md, pinned: types, topics, keys, schema ids, header names. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class ContractTest {

  static Stream<Arguments> catalogue() {
    return Stream.of(
        Arguments.of("dev.aegis.health.reported.v1", "aegis.health", HealthReported.class, true),
        Arguments.of(
            "dev.aegis.experiment.submitted.v1",
            "aegis.experiments",
            ExperimentSubmitted.class,
            true),
        Arguments.of("dev.aegis.chaos.injected.v1", "aegis.chaos", ChaosFault.class, true),
        Arguments.of("dev.aegis.chaos.cleared.v1", "aegis.chaos", ChaosFault.class, true),
        Arguments.of(
            "dev.aegis.lifecycle.transitioned.v1",
            "aegis.lifecycle",
            LifecycleTransitioned.class,
            false),
        Arguments.of("dev.aegis.rca.recorded.v1", "aegis.rca", RcaRecorded.class, false),
        Arguments.of(
            "dev.aegis.actuation.alarmed.v1", "aegis.lifecycle", ActuationAlarmed.class, false),
        Arguments.of(
            "dev.aegis.slo.burnrate.alerted.v1",
            "aegis.lifecycle",
            SloBurnRateAlerted.class,
            false));
  }

  @ParameterizedTest(name = "{0} goes to {1} carrying {2}")
  @MethodSource("catalogue")
  void each_type_has_the_topic_and_record_of_the_design(
      String typeName, String topic, Class<?> dataClass, boolean inbound) {
    EventType type = EventType.fromType(typeName).orElseThrow();

    assertThat(type.topic()).isEqualTo(topic);
    assertThat(type.dataClass()).isEqualTo(dataClass);
    assertThat(type.isInbound()).isEqualTo(inbound);
    assertThat(type.dataschemaUri()).isEqualTo("https://schemas.aegis.dev/" + typeName + ".json");
  }

  @Test
  void the_catalogue_lists_every_type() {
    assertThat(catalogue().count()).isEqualTo(EventType.values().length);
  }

  @Test
  void unknown_or_missing_type_strings_find_nothing() {
    assertThat(EventType.fromType("dev.aegis.health.reported.v2")).isEmpty();
    assertThat(EventType.fromType(null)).isEmpty();
  }

  @Test
  void topics_include_the_dead_letter_topic() {
    assertThat(Topics.ALL)
        .containsExactly(
            "aegis.health",
            "aegis.experiments",
            "aegis.chaos",
            "aegis.lifecycle",
            "aegis.rca",
            "aegis.dlq");
  }

  @Test
  void dead_letter_header_names_are_the_documented_ones() {
    assertThat(
            List.of(
                DeadLetterHeaders.REASON,
                DeadLetterHeaders.REASON_CODE,
                DeadLetterHeaders.ERROR_CLASS,
                DeadLetterHeaders.ORIGINAL_TOPIC,
                DeadLetterHeaders.ORIGINAL_PARTITION,
                DeadLetterHeaders.ORIGINAL_OFFSET,
                DeadLetterHeaders.FIRST_FAILED_AT))
        .containsExactly(
            "aegis_dlq_reason",
            "aegis_dlq_reason_code",
            "aegis_dlq_error_class",
            "aegis_dlq_original_topic",
            "aegis_dlq_original_partition",
            "aegis_dlq_original_offset",
            "aegis_dlq_first_failed_at");
  }

  @ParameterizedTest(name = "the schema file of {0} declares its dataschema URI as $id")
  @EnumSource(EventType.class)
  void each_schema_file_is_named_by_its_dataschema(EventType type) throws IOException {
    JsonNode schema = read(type.schemaResource());

    assertThat(schema.get("$id").textValue()).isEqualTo(type.dataschemaUri());
    assertThat(schema.get("$schema").textValue())
        .isEqualTo("https://json-schema.org/draft/2020-12/schema");
    assertThat(schema.get("title").textValue()).isEqualTo(type.type());
  }

  @ParameterizedTest(name = "{0} refers only to schemas shipped on the classpath")
  @EnumSource(EventType.class)
  void schemas_only_refer_to_local_or_bundled_schemas_so_loading_never_needs_the_network(
      EventType type) throws IOException {
    for (String ref : refs(read(type.schemaResource()), new ArrayList<>())) {
      String document = ref.contains("#") ? ref.substring(0, ref.indexOf('#')) : ref;
      assertThat(document).as(ref).doesNotContain(":");
      if (!document.isEmpty()) {
        assertThat(getClass().getClassLoader().getResource("schemas/" + document))
            .as(ref)
            .isNotNull();
      }
    }
  }

  @Test
  void tracks_are_lowercase_on_the_wire() {
    assertThat(Stream.of(Track.values()).map(Track::wire))
        .containsExactly("canary", "baseline", "stable");
    assertThat(Track.fromWire("baseline")).isEqualTo(Track.BASELINE);
  }

  private static List<String> refs(JsonNode node, List<String> found) {
    if (node.has("$ref")) {
      found.add(node.get("$ref").textValue());
    }
    node.elements().forEachRemaining(child -> refs(child, found));
    return found;
  }

  private JsonNode read(String resource) throws IOException {
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(resource)) {
      assertThat(in).as(resource).isNotNull();
      return EventJson.mapper().readTree(in);
    }
  }
}
