package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;
import dev.aegis.events.data.ActuationAlarmed;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.SloBurnRateAlerted;
import dev.aegis.events.data.Track;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Records built in Java serialise to JSON their own schema accepts, and read back equal. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RecordsTest {

  private static final EventCodec CODEC = new EventCodec();

  /**
   * A validator built the way an outside consumer would, straight from the schema files, so this
   * test does not rely on the codec's own schema handling.
   */
  private static final SchemaRegistry STANDALONE =
      SchemaRegistry.withDialect(
          Dialects.getDraft202012(),
          builder ->
              builder
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build())
                  .schemaIdResolvers(
                      ids -> ids.mapPrefix(EventType.SCHEMA_BASE_URI, "classpath:schemas/")));

  @ParameterizedTest(name = "a {0} record built in Java passes its own schema")
  @EnumSource(EventType.class)
  void a_record_built_in_Java_serialises_to_JSON_its_own_schema_accepts(EventType type)
      throws IOException {
    JsonNode json = EventJson.mapper().readTree(EventJson.toJson(Samples.of(type)));

    Schema schema = STANDALONE.getSchema(SchemaLocation.of(type.dataschemaUri()));

    assertThat(schema.validate(json)).isEmpty();
    assertThat(CODEC.validate(type, Samples.of(type))).isEmpty();
  }

  @ParameterizedTest(name = "a {0} record reads back equal")
  @EnumSource(EventType.class)
  void a_record_round_trips_through_JSON_unchanged(EventType type) {
    Object sample = Samples.of(type);

    Object read = CODEC.readData(type, EventJson.toJson(sample));

    assertThat(read).isEqualTo(sample);
  }

  @Test
  void health_data_uses_the_field_names_of_the_contract_and_RFC_3339_strings() throws IOException {
    JsonNode json = EventJson.mapper().readTree(EventJson.toJson(Samples.health()));

    assertThat(fieldNames(json))
        .containsExactly(
            "service",
            "version",
            "track",
            "windowStart",
            "windowEnd",
            "requests",
            "errors",
            "latencyMs",
            "cpuUtilization");
    assertThat(fieldNames(json.get("latencyMs"))).containsExactly("p50", "p95", "p99");
    assertThat(json.get("track").textValue()).isEqualTo("canary");
    assertThat(json.get("windowStart").textValue()).isEqualTo("2025-03-01T12:00:00Z");
  }

  @Test
  void an_omitted_optional_member_is_left_out_of_the_JSON_rather_than_written_as_null() {
    String json = new String(EventJson.toJson(Samples.health()));

    assertThat(json).doesNotContain("memoryUtilization");
  }

  @Test
  void policy_durations_are_ISO_8601_strings() throws IOException {
    JsonNode policy =
        EventJson.mapper().readTree(EventJson.toJson(Samples.experiment())).get("policy");

    assertThat(policy.get("steps").get(0).get("minDuration").textValue()).isEqualTo("PT24H");
    assertThat(policy.get("steps").get(2).get("minDuration").textValue()).isEqualTo("PT168H");
    assertThat(policy.get("maxSilence").textValue()).isEqualTo("PT15M");
  }

  @Test
  void a_submission_without_a_policy_is_valid_and_keeps_the_policy_null() {
    ExperimentSubmitted submitted = Samples.experimentWithDefaults();

    Object read = CODEC.readData(EventType.EXPERIMENT_SUBMITTED, EventJson.toJson(submitted));

    assertThat(read).isEqualTo(submitted);
    assertThat(((ExperimentSubmitted) read).policy()).isNull();
  }

  @Test
  void null_values_inside_evidence_survive_a_round_trip() {
    Object read =
        CODEC.readData(EventType.LIFECYCLE_TRANSITIONED, EventJson.toJson(Samples.transition()));

    assertThat(read).isEqualTo(Samples.transition());
  }

  @Test
  void an_actuation_alarm_uses_the_field_names_of_the_contract_and_is_keyed_by_experiment()
      throws IOException {
    JsonNode json = EventJson.mapper().readTree(EventJson.toJson(Samples.alarm()));

    assertThat(fieldNames(json))
        .containsExactly(
            "experimentId",
            "service",
            "namespace",
            "commandId",
            "commandKind",
            "failures",
            "problem",
            "raisedAt",
            "phase");
    assertThat(json.get("raisedAt").textValue()).isEqualTo("2025-03-01T12:06:30Z");
    assertThat(EventType.ACTUATION_ALARMED.partitionKey(Samples.alarm())).isEqualTo("exp-01HQ3Z6");
  }

  @Test
  void an_actuation_alarm_without_a_phase_is_valid_and_leaves_the_phase_out() {
    ActuationAlarmed alarm = Samples.alarmWithoutPhase();

    byte[] json = EventJson.toJson(alarm);

    assertThat(new String(json)).doesNotContain("phase");
    assertThat(CODEC.validate(EventType.ACTUATION_ALARMED, alarm)).isEmpty();
    assertThat(CODEC.readData(EventType.ACTUATION_ALARMED, json)).isEqualTo(alarm);
  }

  @Test
  void a_burn_rate_alert_uses_the_field_names_of_the_contract_and_is_keyed_by_service()
      throws IOException {
    JsonNode json = EventJson.mapper().readTree(EventJson.toJson(Samples.burnRateAlert()));

    assertThat(fieldNames(json))
        .containsExactly(
            "service",
            "track",
            "version",
            "rule",
            "severity",
            "state",
            "longWindow",
            "shortWindow",
            "factor",
            "burnRateLong",
            "burnRateShort",
            "objective",
            "firedAt",
            "at");
    assertThat(json.get("longWindow").textValue()).isEqualTo("PT1H");
    assertThat(json.get("shortWindow").textValue()).isEqualTo("PT5M");
    assertThat(json.get("track").textValue()).isEqualTo("stable");
    assertThat(json.get("at").textValue()).isEqualTo("2025-03-01T12:30:00Z");
    assertThat(EventType.SLO_BURN_RATE_ALERTED.partitionKey(Samples.burnRateAlert()))
        .isEqualTo("checkout");
  }

  @Test
  void a_resolved_burn_rate_alert_without_a_version_is_valid_and_leaves_the_version_out() {
    SloBurnRateAlerted resolved = Samples.burnRateResolvedWithoutVersion();

    byte[] json = EventJson.toJson(resolved);

    assertThat(new String(json)).doesNotContain("version").contains("\"PT72H\"");
    assertThat(CODEC.validate(EventType.SLO_BURN_RATE_ALERTED, resolved)).isEmpty();
    assertThat(CODEC.readData(EventType.SLO_BURN_RATE_ALERTED, json)).isEqualTo(resolved);
  }

  @Test
  void a_health_window_with_a_namespace_carries_it_and_one_without_leaves_it_out() {
    HealthReported plain = Samples.health();
    HealthReported namespaced =
        new HealthReported(
            plain.service(),
            plain.version(),
            plain.track(),
            plain.windowStart(),
            plain.windowEnd(),
            plain.requests(),
            plain.errors(),
            plain.latencyMs(),
            plain.cpuUtilization(),
            plain.memoryUtilization(),
            "shop");

    assertThat(new String(EventJson.toJson(plain))).doesNotContain("namespace");
    assertThat(
            ((HealthReported) CODEC.readData(EventType.HEALTH_REPORTED, EventJson.toJson(plain)))
                .namespace())
        .isNull();
    assertThat(CODEC.validate(EventType.HEALTH_REPORTED, namespaced)).isEmpty();
    assertThat(CODEC.readData(EventType.HEALTH_REPORTED, EventJson.toJson(namespaced)))
        .isEqualTo(namespaced);
    assertThat(
            CODEC.validate(
                EventType.HEALTH_REPORTED,
                new HealthReported(
                    plain.service(),
                    plain.version(),
                    plain.track(),
                    plain.windowStart(),
                    plain.windowEnd(),
                    plain.requests(),
                    plain.errors(),
                    plain.latencyMs(),
                    null,
                    null,
                    "Not_A_Label")))
        .isNotEmpty();
  }

  @Test
  void error_rate_of_a_window_without_requests_is_zero() {
    HealthReported idle =
        new HealthReported(
            "checkout",
            "1",
            Track.STABLE,
            Samples.T0,
            Samples.T0.plusSeconds(5),
            0,
            0,
            new Latency(0, 0, 0),
            null,
            null);

    assertThat(idle.errorRate()).isZero();
    assertThat(Samples.health().errorRate()).isEqualTo(0.005);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
