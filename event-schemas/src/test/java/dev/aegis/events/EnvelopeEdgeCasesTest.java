package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aegis.events.DecodeResult.Decoded;
import dev.aegis.events.DecodeResult.Rejected;
import dev.aegis.events.data.ChaosFault;
import dev.aegis.events.data.HealthReported;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Headers, attributes and content modes at their edges. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class EnvelopeEdgeCasesTest {

  private static final EventCodec CODEC = new EventCodec();
  private static final String HEALTH = EventType.HEALTH_REPORTED.type();
  private static final byte[] HEALTH_DATA = EventJson.toJson(Samples.health());

  @Nested
  class Binary_mode {

    @Test
    void a_well_formed_record_decodes_to_the_typed_record() {
      Decoded decoded = decoded(binary());

      assertThat(decoded.type()).isEqualTo(EventType.HEALTH_REPORTED);
      assertThat(decoded.data(HealthReported.class)).isEqualTo(Samples.health());
      assertThat(decoded.partitionKey()).isEqualTo("checkout");
      assertThat(decoded.envelope().identity()).isEqualTo("/aegis/tests#h-1");
    }

    @Test
    void missing_ce_id_is_a_missing_attribute() {
      assertRejected(
          binary().withHeader("ce_id", null),
          RejectionReason.MISSING_ATTRIBUTE,
          "missing required attribute 'ce_id'");
    }

    @Test
    void every_missing_required_attribute_is_named() {
      assertRejected(
          binary().withHeader("ce_id", null).withHeader("ce_source", null),
          RejectionReason.MISSING_ATTRIBUTE,
          "missing required attributes 'ce_id', 'ce_source'");
    }

    @Test
    void a_record_without_any_ce_header_gets_a_hint_about_structured_mode() {
      WireRecord bare = new WireRecord(HEALTH_DATA, Map.of());

      assertRejected(
          bare,
          RejectionReason.MISSING_ATTRIBUTE,
          "missing required attributes 'ce_specversion', 'ce_id', 'ce_source', 'ce_type' (no ce_* "
              + "headers: not a binary-mode CloudEvent; structured mode needs content-type "
              + "application/cloudevents+json)");
    }

    @Test
    void specversion_0_3_is_unsupported_even_when_other_attributes_are_missing() {
      assertRejected(
          binary().withHeader("ce_specversion", "0.3").withHeader("ce_id", null),
          RejectionReason.UNSUPPORTED_SPECVERSION,
          "unsupported specversion '0.3' in 'ce_specversion'; only 1.0 is accepted");
    }

    @Test
    void an_empty_ce_id_is_an_invalid_attribute() {
      assertRejected(
          binary().withHeader("ce_id", ""),
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute 'ce_id' must not be empty");
    }

    @Test
    void a_source_that_is_not_a_URI_reference_is_an_invalid_attribute() {
      assertRejected(
          binary().withHeader("ce_source", "health monitor"),
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute 'ce_source' is not a URI-reference: 'health monitor'");
    }

    @Test
    void an_unknown_type_is_named_in_the_detail() {
      assertRejected(
          binary().withHeader("ce_type", "com.example.order.placed"),
          RejectionReason.UNKNOWN_TYPE,
          "unknown event type 'com.example.order.placed'");
    }

    @Test
    void a_time_with_an_offset_is_normalised_to_an_instant() {
      Decoded decoded = decoded(binary().withHeader("ce_time", "2025-03-01T14:00:00.250+02:00"));

      assertThat(decoded.envelope().time()).isEqualTo(Instant.parse("2025-03-01T12:00:00.250Z"));
    }

    @Test
    void optional_attributes_may_be_absent_and_content_type_defaults_to_JSON() {
      WireRecord minimal =
          binary()
              .withHeader("ce_time", null)
              .withHeader("ce_dataschema", null)
              .withHeader("content-type", null);

      CloudEventEnvelope envelope = decoded(minimal).envelope();

      assertThat(envelope.time()).isNull();
      assertThat(envelope.dataschema()).isNull();
      assertThat(envelope.datacontenttype()).isNull();
    }

    @Test
    void subject_is_carried_and_unknown_extension_headers_are_ignored() {
      WireRecord record =
          binary()
              .withHeader("ce_subject", "checkout")
              .withHeader(
                  "ce_traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");

      assertThat(decoded(record).envelope().subject()).isEqualTo("checkout");
    }

    @ParameterizedTest(name = "content-type \"{0}\" is JSON")
    @ValueSource(
        strings = {
          "application/json",
          "Application/JSON; charset=utf-8",
          "text/json",
          "application/vnd.aegis.health+json"
        })
    void json_content_types_are_accepted_whatever_their_case_and_parameters(String contentType) {
      assertThat(binary().withHeader("content-type", contentType).decodeWith(CODEC).isDecoded())
          .isTrue();
    }

    @ParameterizedTest(name = "content-type \"{0}\" is refused")
    @ValueSource(strings = {"text/plain", "application/avro", "application/x-protobuf"})
    void non_JSON_content_types_are_unsupported(String contentType) {
      Rejected rejected = rejected(binary().withHeader("content-type", contentType));

      assertThat(rejected.reason()).isEqualTo(RejectionReason.UNSUPPORTED_CONTENT_TYPE);
    }

    @Test
    void a_tombstone_is_not_JSON() {
      assertRejected(
          new WireRecord(null, binary().headers()), RejectionReason.NOT_JSON, "value is empty");
    }

    @Test
    void null_headers_mean_no_headers() {
      assertThat(CODEC.decode(HEALTH_DATA, null).rejected().orElseThrow().reason())
          .isEqualTo(RejectionReason.MISSING_ATTRIBUTE);
    }

    @Test
    void duplicate_keys_are_not_JSON_rather_than_silently_last_one_wins() {
      byte[] value =
          "{\"service\":\"checkout\",\"service\":\"payments\"}".getBytes(StandardCharsets.UTF_8);

      assertThat(rejected(binaryWith(value)).detail())
          .startsWith("value is not valid JSON: Duplicate field 'service'");
    }

    @Test
    void trailing_garbage_after_the_JSON_is_not_JSON() {
      byte[] value =
          (new String(HEALTH_DATA, StandardCharsets.UTF_8) + " }").getBytes(StandardCharsets.UTF_8);

      assertThat(rejected(binaryWith(value)).reason()).isEqualTo(RejectionReason.NOT_JSON);
    }

    @Test
    void a_value_of_exactly_1_MiB_is_accepted() {
      assertThat(decoded(binaryWith(padded(HEALTH_DATA, EventCodec.MAX_VALUE_BYTES))).data())
          .isEqualTo(Samples.health());
    }

    @Test
    void a_value_of_1_MiB_plus_1_byte_is_too_large_even_if_it_is_valid() {
      assertRejected(
          binaryWith(padded(HEALTH_DATA, EventCodec.MAX_VALUE_BYTES + 1)),
          RejectionReason.PAYLOAD_TOO_LARGE,
          "value is 1048577 bytes; the limit is 1048576 bytes (1 MiB)");
    }

    @Test
    void an_attribute_echoed_in_a_detail_is_shortened() {
      String hostile = "x".repeat(10_000);

      assertThat(rejected(binary().withHeader("ce_type", hostile)).detail()).hasSizeLessThan(200);
    }
  }

  @Nested
  class Structured_mode {

    @Test
    void a_well_formed_event_decodes_like_its_binary_twin() {
      assertThat(decoded(structured()).data()).isEqualTo(decoded(binary()).data());
    }

    @Test
    void an_event_without_data_is_missing_its_data() {
      ObjectNode event = structured().eventTree();
      event.remove("data");

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.MISSING_ATTRIBUTE,
          "structured event has no 'data' (nor 'data_base64')");
    }

    @Test
    void null_data_violates_the_schema_at_the_root() {
      ObjectNode event = structured().eventTree();
      event.putNull("data");

      Rejected rejected = rejected(WireRecord.structured(event));

      assertThat(rejected.reason()).isEqualTo(RejectionReason.SCHEMA_VIOLATION);
      assertThat(rejected.pointer()).isEmpty();
      assertThat(rejected.detail())
          .isEqualTo("schema violation at (root): null found, object expected");
    }

    @Test
    void data_base64_holding_JSON_is_accepted() {
      ObjectNode event = structured().eventTree();
      event.remove("data");
      event.put("data_base64", Base64.getEncoder().encodeToString(HEALTH_DATA));

      assertThat(decoded(WireRecord.structured(event)).data()).isEqualTo(Samples.health());
    }

    @Test
    void data_and_data_base64_together_are_an_invalid_attribute() {
      ObjectNode event = structured().eventTree();
      event.put("data_base64", Base64.getEncoder().encodeToString(HEALTH_DATA));

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.INVALID_ATTRIBUTE,
          "structured event has both 'data' and 'data_base64'; CloudEvents allows only one");
    }

    @Test
    void data_base64_that_is_not_base64_is_an_invalid_attribute() {
      ObjectNode event = structured().eventTree();
      event.remove("data");
      event.put("data_base64", "%%%");

      assertThat(rejected(WireRecord.structured(event)).reason())
          .isEqualTo(RejectionReason.INVALID_ATTRIBUTE);
    }

    @Test
    void an_attribute_that_is_not_a_string_is_invalid() {
      ObjectNode event = structured().eventTree();
      event.put("id", 42);

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute 'id' must be a JSON string, found number");
    }

    @Test
    void missing_id_is_named_by_its_structured_name() {
      ObjectNode event = structured().eventTree();
      event.remove("id");

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.MISSING_ATTRIBUTE,
          "missing required attribute 'id'");
    }

    @Test
    void specversion_0_3_is_unsupported() {
      ObjectNode event = structured().eventTree();
      event.put("specversion", "0.3");

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.UNSUPPORTED_SPECVERSION,
          "unsupported specversion '0.3' in 'specversion'; only 1.0 is accepted");
    }

    @Test
    void an_unknown_type_is_rejected() {
      ObjectNode event = structured().eventTree();
      event.put("type", "dev.aegis.unknown.v1");

      assertThat(rejected(WireRecord.structured(event)).reason())
          .isEqualTo(RejectionReason.UNKNOWN_TYPE);
    }

    @Test
    void a_non_JSON_datacontenttype_is_unsupported() {
      ObjectNode event = structured().eventTree();
      event.put("datacontenttype", "application/xml");

      assertRejected(
          WireRecord.structured(event),
          RejectionReason.UNSUPPORTED_CONTENT_TYPE,
          "datacontenttype 'application/xml' is not JSON; Aegis events carry application/json"
              + " data");
    }

    @Test
    void a_value_that_is_not_a_JSON_object_is_not_a_structured_event() {
      WireRecord record = new WireRecord(WireRecord.utf8("[1, 2]"), structured().headers());

      assertRejected(
          record, RejectionReason.NOT_JSON, "structured event must be a JSON object, found array");
    }

    @Test
    void a_value_that_is_not_JSON_at_all_is_not_JSON() {
      WireRecord record = new WireRecord(WireRecord.utf8("<event/>"), structured().headers());

      assertThat(rejected(record).detail()).startsWith("structured event is not valid JSON: ");
    }

    @Test
    void batch_mode_is_unsupported() {
      WireRecord record =
          structured().withHeader("content-type", "application/cloudevents-batch+json");

      assertRejected(
          record,
          RejectionReason.UNSUPPORTED_CONTENT_TYPE,
          "content-type 'application/cloudevents-batch+json' is not supported; structured mode"
              + " accepts only application/cloudevents+json (no batches)");
    }

    @Test
    void structured_mode_is_chosen_by_content_type_whatever_its_case_and_parameters() {
      WireRecord record =
          structured().withHeader("content-type", "Application/CloudEvents+JSON ; charset=utf-8");

      assertThat(record.decodeWith(CODEC).isDecoded()).isTrue();
    }
  }

  @Nested
  class Decoded_results {

    @Test
    void asking_for_the_wrong_record_class_fails_loudly() {
      Decoded decoded = decoded(binary());

      assertThatThrownBy(() -> decoded.data(ChaosFault.class))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("event dev.aegis.health.reported.v1 carries HealthReported, not ChaosFault");
    }

    @Test
    void a_decoded_result_cannot_be_built_with_data_of_another_type() {
      CloudEventEnvelope envelope = WireRecord.expectedEnvelope(EventType.HEALTH_REPORTED, "x");

      assertThatThrownBy(() -> new Decoded(envelope, EventType.HEALTH_REPORTED, Samples.fault()))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fold_picks_the_branch_of_the_result() {
      String decoded = binary().decodeWith(CODEC).fold(d -> "decoded", r -> "rejected");
      String rejected =
          binary()
              .withHeader("ce_id", null)
              .decodeWith(CODEC)
              .fold(d -> "decoded", r -> r.reason().code());

      assertThat(decoded).isEqualTo("decoded");
      assertThat(rejected).isEqualTo("missing-attribute");
    }
  }

  /**
   * U+0000 (NUL): valid in JSON and in a header, but PostgreSQL stores it in no text or jsonb
   * column, so a record holding one would fail its batch's transaction at the insert.
   */
  @Nested
  class Nul_characters {

    private byte[] healthWith(String member, String json) {
      String data = new String(HEALTH_DATA, StandardCharsets.UTF_8);
      assertThat(data).startsWith("{");
      return ("{\"" + member + "\":" + json + "," + data.substring(1))
          .getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void in_a_health_window_version_is_invalid_data_at_its_pointer() {
      String data =
          new String(HEALTH_DATA, StandardCharsets.UTF_8)
              .replaceFirst("\"version\":\"([^\"]*)\"", "\"version\":\"$1\\\\u0000x\"");
      assertThat(data).contains("\\u0000x");

      Rejected rejected = rejected(binaryWith(data.getBytes(StandardCharsets.UTF_8)));

      assertThat(rejected.reason()).isEqualTo(RejectionReason.INVALID_DATA);
      assertThat(rejected.detail())
          .isEqualTo("invalid data at /version: text holds U+0000 (NUL), which Aegis cannot store");
      assertThat(rejected.pointer()).isEqualTo("/version");
    }

    @Test
    void in_an_unknown_member_or_its_name_is_invalid_data_written_out() {
      assertThat(rejected(binaryWith(healthWith("note", "[\"a\", \"b\\u0000\"]"))).detail())
          .isEqualTo("invalid data at /note/1: text holds U+0000 (NUL), which Aegis cannot store");
      Rejected named = rejected(binaryWith(healthWith("n\\u0000", "1")));
      assertThat(named.detail())
          .isEqualTo("invalid data at /n\\u0000: text holds U+0000 (NUL), which Aegis cannot store")
          .doesNotContain("\0");
    }

    @Test
    void an_escaped_backslash_before_u0000_is_plain_text() {
      String data =
          new String(HEALTH_DATA, StandardCharsets.UTF_8)
              .replaceFirst("\"version\":\"([^\"]*)\"", "\"version\":\"$1\\\\\\\\u0000\"");
      assertThat(data).contains("\\\\u0000");

      assertThat(
              decoded(binaryWith(data.getBytes(StandardCharsets.UTF_8)))
                  .data(HealthReported.class)
                  .version())
          .endsWith("\\u0000");
    }

    @Test
    void a_record_holding_one_is_refused_by_validate_and_by_the_encoders() {
      HealthReported h = Samples.health();
      HealthReported nul =
          new HealthReported(
              h.service(),
              "1.4\u00002",
              h.track(),
              h.windowStart(),
              h.windowEnd(),
              h.requests(),
              h.errors(),
              h.latencyMs(),
              h.cpuUtilization(),
              h.memoryUtilization());

      assertThat(CODEC.validate(EventType.HEALTH_REPORTED, nul))
          .hasValueSatisfying(r -> assertThat(r.pointer()).isEqualTo("/version"));
      assertThatThrownBy(
              () ->
                  CODEC.encodeBinary(
                      Events.envelope(
                          EventType.HEALTH_REPORTED,
                          "h-1",
                          "/aegis/tests",
                          "checkout",
                          Instant.parse("2025-01-01T00:00:00Z")),
                      nul))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("U+0000");
    }

    @Test
    void in_the_id_attribute_is_an_invalid_attribute() {
      assertRejected(
          binary().withHeader("ce_id", "h\u00001"),
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute 'ce_id' holds U+0000 (NUL), which Aegis cannot store");
    }

    @Test
    void echoed_in_a_detail_it_is_written_out() {
      Rejected rejected = rejected(binary().withHeader("ce_time", "yesterday\u0000"));

      assertThat(rejected.reason()).isEqualTo(RejectionReason.INVALID_ATTRIBUTE);
      assertThat(rejected.detail())
          .isEqualTo("attribute 'ce_time' is not an RFC 3339 timestamp: 'yesterday\\u0000'")
          .doesNotContain("\0");
    }
  }

  private static WireRecord binary() {
    return WireRecord.binary(HEALTH, "h-1", HEALTH_DATA);
  }

  private static WireRecord binaryWith(byte[] value) {
    return new WireRecord(value, binary().headers());
  }

  private static WireRecord structured() {
    return WireRecord.structured(HEALTH, "h-1", HEALTH_DATA);
  }

  /** {@code json} followed by spaces up to {@code size} bytes: still the same JSON. */
  private static byte[] padded(byte[] json, int size) {
    byte[] value = Arrays.copyOf(json, size);
    Arrays.fill(value, json.length, size, (byte) ' ');
    return value;
  }

  private static Decoded decoded(WireRecord record) {
    DecodeResult result = record.decodeWith(CODEC);
    assertThat(result).isInstanceOf(Decoded.class);
    return (Decoded) result;
  }

  private static Rejected rejected(WireRecord record) {
    DecodeResult result = record.decodeWith(CODEC);
    assertThat(result).isInstanceOf(Rejected.class);
    return (Rejected) result;
  }

  private static void assertRejected(WireRecord record, RejectionReason reason, String detail) {
    Rejected rejected = rejected(record);
    assertThat(rejected.reason()).isEqualTo(reason);
    assertThat(rejected.detail()).isEqualTo(detail);
  }
}
