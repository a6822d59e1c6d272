package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.DecodeResult.Decoded;
import dev.aegis.events.DecodeResult.Rejected;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonFormat;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Producers get exactly the wire format consumers accept, and nothing a consumer would reject. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EncodingTest {

  private static final EventCodec CODEC = new EventCodec();
  private static final CloudEventEnvelope HEALTH_ENVELOPE =
      Events.envelope(EventType.HEALTH_REPORTED, "h-1", "/aegis/simulator", "checkout", Samples.T0);

  @Test
  void an_envelope_from_the_factory_names_the_type_its_schema_and_JSON() {
    assertThat(HEALTH_ENVELOPE)
        .isEqualTo(
            new CloudEventEnvelope(
                "h-1",
                "/aegis/simulator",
                "dev.aegis.health.reported.v1",
                "1.0",
                "checkout",
                Samples.T0,
                "https://schemas.aegis.dev/dev.aegis.health.reported.v1.json",
                "application/json"));
  }

  @Test
  void binary_mode_writes_ce_headers_and_the_data_as_the_value() {
    EncodedEvent encoded = CODEC.encodeBinary(HEALTH_ENVELOPE, Samples.health());

    assertThat(encoded.topic()).isEqualTo("aegis.health");
    assertThat(encoded.key()).isEqualTo("checkout");
    assertThat(headersAsStrings(encoded))
        .containsExactly(
            Map.entry("ce_specversion", "1.0"),
            Map.entry("ce_id", "h-1"),
            Map.entry("ce_source", "/aegis/simulator"),
            Map.entry("ce_type", "dev.aegis.health.reported.v1"),
            Map.entry("ce_subject", "checkout"),
            Map.entry("ce_time", "2025-03-01T12:00:00Z"),
            Map.entry(
                "ce_dataschema", "https://schemas.aegis.dev/dev.aegis.health.reported.v1.json"),
            Map.entry("content-type", "application/json"));
    assertThat(encoded.valueAsString())
        .isEqualTo(
            "{\"service\":\"checkout\",\"version\":\"1.4.2\",\"track\":\"canary\","
                + "\"windowStart\":\"2025-03-01T12:00:00Z\",\"windowEnd\":\"2025-03-01T12:01:00Z\","
                + "\"requests\":1200,\"errors\":6,"
                + "\"latencyMs\":{\"p50\":42.5,\"p95\":180.0,\"p99\":410.25},"
                + "\"cpuUtilization\":0.63}");
  }

  @Test
  void structured_mode_writes_the_whole_event_with_the_data_as_a_JSON_object() {
    EncodedEvent encoded = CODEC.encodeStructured(HEALTH_ENVELOPE, Samples.health());

    assertThat(headersAsStrings(encoded))
        .containsExactly(Map.entry("content-type", "application/cloudevents+json; charset=UTF-8"));
    assertThat(encoded.valueAsString())
        .startsWith(
            "{\"specversion\":\"1.0\",\"id\":\"h-1\","
                + "\"source\":\"/aegis/simulator\",\"type\":\"dev.aegis.health.reported.v1\","
                + "\"subject\":\"checkout\","
                + "\"time\":\"2025-03-01T12:00:00Z\","
                + "\"dataschema\":\"https://schemas.aegis.dev/dev.aegis.health.reported.v1.json\","
                + "\"datacontenttype\":\"application/json\",\"data\":{\"service\":\"checkout\",");
  }

  @ParameterizedTest(name = "{0} encodes and decodes back in both modes")
  @EnumSource(EventType.class)
  void what_is_encoded_decodes_back_to_the_same_event(EventType type) {
    CloudEventEnvelope envelope = Events.envelope(type, "e-1", "/aegis/tests", null, Samples.T0);
    Decoded expected = new Decoded(envelope, type, Samples.of(type));

    EncodedEvent binary = CODEC.encodeBinary(envelope, Samples.of(type));
    EncodedEvent structured = CODEC.encodeStructured(envelope, Samples.of(type));

    assertThat(CODEC.decode(binary.value(), binary.headers())).isEqualTo(expected);
    assertThat(CODEC.decode(structured.value(), structured.headers())).isEqualTo(expected);
    assertThat(binary.key()).isEqualTo(type.partitionKey(Samples.of(type)));
  }

  @Test
  void outbound_events_are_keyed_by_experiment_id() {
    CloudEventEnvelope envelope =
        Events.envelope(
            EventType.RCA_RECORDED, "rca-1", "/aegis/orchestrator", "exp-01HQ3Z6", Samples.T0);

    EncodedEvent encoded = CODEC.encodeBinary(envelope, Samples.rca());

    assertThat(encoded.topic()).isEqualTo("aegis.rca");
    assertThat(encoded.key()).isEqualTo("exp-01HQ3Z6");
  }

  @Test
  void encoding_data_a_consumer_would_reject_throws_with_the_consumers_rejection() {
    HealthReported backwards =
        new HealthReported(
            "checkout",
            "1.4.2",
            Track.CANARY,
            Samples.T0,
            Samples.T0.minusSeconds(1),
            10,
            0,
            new Latency(1, 2, 3),
            null,
            null);

    assertThatThrownBy(() -> CODEC.encodeBinary(HEALTH_ENVELOPE, backwards))
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e -> {
              assertThat(e.rejection().reason()).isEqualTo(RejectionReason.INVALID_DATA);
              assertThat(e.rejection().pointer()).isEqualTo("/windowEnd");
            })
        .hasMessage(
            "invalid-data: invalid data at /windowEnd: must be after windowStart"
                + " (2025-03-01T12:00:00Z)");
  }

  @Test
  void encoding_a_schema_violation_throws_too() {
    HealthReported badService =
        new HealthReported(
            "Checkout",
            "1.4.2",
            Track.CANARY,
            Samples.T0,
            Samples.T0.plusSeconds(1),
            10,
            0,
            new Latency(1, 2, 3),
            null,
            null);

    assertThatThrownBy(() -> CODEC.encodeStructured(HEALTH_ENVELOPE, badService))
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e -> assertThat(e.rejection().pointer()).isEqualTo("/service"));
  }

  @Test
  void data_of_another_type_is_a_programming_error() {
    assertThatThrownBy(() -> CODEC.encodeBinary(HEALTH_ENVELOPE, Samples.fault()))
        .isInstanceOf(IllegalArgumentException.class)
        .isNotInstanceOf(InvalidEventException.class)
        .hasMessage("event dev.aegis.health.reported.v1 carries HealthReported, not ChaosFault");
  }

  @Test
  void an_envelope_the_decoder_would_refuse_is_a_programming_error() {
    CloudEventEnvelope unknownType =
        new CloudEventEnvelope("1", "/x", "dev.aegis.nope.v1", "1.0", null, null, null, null);
    CloudEventEnvelope foreignSchema =
        new CloudEventEnvelope(
            "1",
            "/x",
            EventType.HEALTH_REPORTED.type(),
            "1.0",
            null,
            null,
            "https://example.com/other.json",
            null);
    CloudEventEnvelope oldSpec =
        new CloudEventEnvelope(
            "1", "/x", EventType.HEALTH_REPORTED.type(), "0.3", null, null, null, null);

    assertThatThrownBy(() -> CODEC.encodeBinary(unknownType, Samples.health()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CODEC.encodeBinary(foreignSchema, Samples.health()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> CODEC.encodeBinary(oldSpec, Samples.health()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void validate_reports_the_rejection_without_throwing() {
    ChaosFault instant =
        new ChaosFault("f-1", "checkout", Track.CANARY, "abort", Samples.T0, Samples.T0);

    Rejected rejected = CODEC.validate(EventType.CHAOS_INJECTED, instant).orElseThrow();

    assertThat(rejected.detail())
        .isEqualTo("invalid data at /expiresAt: must be after startedAt (2025-03-01T12:00:00Z)");
    assertThat(CODEC.validate(EventType.CHAOS_INJECTED, Samples.fault())).isEmpty();
  }

  @Test
  void a_REST_body_is_read_with_the_same_checks_as_an_event() {
    byte[] body =
        ("{\"service\":\"checkout\",\"namespace\":\"shop\",\"candidate\":{\"version\":\"2\"},"
                + "\"policy\":{\"steps\":[{\"weight\":100,\"minDuration\":\"PT5S\"}]}}")
            .getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> CODEC.readData(EventType.EXPERIMENT_SUBMITTED, body))
        .isInstanceOfSatisfying(
            InvalidEventException.class,
            e -> {
              assertThat(e.rejection().reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
              assertThat(e.rejection().pointer()).isEqualTo("/candidate/image");
            });
    assertThat(
            CODEC.readData(EventType.EXPERIMENT_SUBMITTED, EventJson.toJson(Samples.experiment())))
        .isInstanceOf(ExperimentSubmitted.class);
  }

  @Test
  void the_CloudEvents_SDK_reads_our_structured_events() {
    EncodedEvent encoded = CODEC.encodeStructured(HEALTH_ENVELOPE, Samples.health());

    CloudEvent event = new JsonFormat().deserialize(encoded.value());

    assertThat(event.getId()).isEqualTo("h-1");
    assertThat(event.getSource()).isEqualTo(URI.create("/aegis/simulator"));
    assertThat(event.getType()).isEqualTo("dev.aegis.health.reported.v1");
    assertThat(event.getTime().toInstant()).isEqualTo(Samples.T0);
    assertThat(EventJson.fromJson(event.getData().toBytes(), HealthReported.class))
        .isEqualTo(Samples.health());
  }

  @Test
  void we_read_structured_events_written_by_the_CloudEvents_SDK() {
    CloudEvent event =
        CloudEventBuilder.v1()
            .withId("sdk-1")
            .withSource(URI.create("https://monitor.example.com/probes/7"))
            .withType(EventType.CHAOS_INJECTED.type())
            .withTime(Samples.T0.atOffset(ZoneOffset.ofHours(1)))
            .withData("application/json", EventJson.toJson(Samples.fault()))
            .build();
    JsonFormat format = new JsonFormat();
    Map<String, byte[]> headers =
        Map.of("content-type", format.serializedContentType().getBytes(StandardCharsets.UTF_8));

    DecodeResult result = CODEC.decode(format.serialize(event), headers);

    assertThat(result.decoded().orElseThrow().data(ChaosFault.class)).isEqualTo(Samples.fault());
    assertThat(result.decoded().orElseThrow().envelope().time()).isEqualTo(Samples.T0);
  }

  @Test
  void an_event_converts_to_an_SDK_CloudEvent() {
    CloudEvent event = CODEC.toCloudEvent(HEALTH_ENVELOPE, Samples.health());

    assertThat(event.getSubject()).isEqualTo("checkout");
    assertThat(event.getDataSchema()).isEqualTo(EventType.HEALTH_REPORTED.dataschema());
    assertThat(event.getDataContentType()).isEqualTo("application/json");
    assertThat(EventJson.fromJson(event.getData().toBytes(), HealthReported.class))
        .isEqualTo(Samples.health());
  }

  @Test
  void encoded_events_compare_by_content() {
    assertThat(CODEC.encodeBinary(HEALTH_ENVELOPE, Samples.health()))
        .isEqualTo(CODEC.encodeBinary(HEALTH_ENVELOPE, Samples.health()))
        .hasSameHashCodeAs(CODEC.encodeBinary(HEALTH_ENVELOPE, Samples.health()));
  }

  private static Map<String, String> headersAsStrings(EncodedEvent encoded) {
    Map<String, String> headers = new LinkedHashMap<>();
    encoded
        .headers()
        .forEach((name, value) -> headers.put(name, new String(value, StandardCharsets.UTF_8)));
    return headers;
  }
}
