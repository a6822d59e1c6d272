package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.DecodeResult.Rejected;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** One table row per {@link RejectionReason}: the smallest record that earns it, and the detail. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class RejectionReasonsTest {

  private static final EventCodec CODEC = new EventCodec();
  private static final String HEALTH = EventType.HEALTH_REPORTED.type();

  record Case(String sentence, Supplier<WireRecord> record, RejectionReason reason, String detail) {
    @Override
    public String toString() {
      return sentence;
    }
  }

  static List<Case> cases() {
    return List.of(
        new Case(
            "a value one byte over 1 MiB is too large, before any parsing",
            () -> WireRecord.binary(HEALTH, "1", new byte[EventCodec.MAX_VALUE_BYTES + 1]),
            RejectionReason.PAYLOAD_TOO_LARGE,
            "value is 1048577 bytes; the limit is 1048576 bytes (1 MiB)"),
        new Case(
            "a binary value that is not JSON",
            () -> WireRecord.binary(HEALTH, "1", WireRecord.utf8("checkout is healthy")),
            RejectionReason.NOT_JSON,
            "value is not valid JSON: Unrecognized token 'checkout': was expecting (JSON String, "
                + "Number, Array, Object or token 'null', 'true' or 'false') (line 1, column 1)"),
        new Case(
            "a record without ce_id",
            () -> healthy().withHeader("ce_id", null),
            RejectionReason.MISSING_ATTRIBUTE,
            "missing required attribute 'ce_id'"),
        new Case(
            "a CloudEvents 0.3 record",
            () -> healthy().withHeader("ce_specversion", "0.3"),
            RejectionReason.UNSUPPORTED_SPECVERSION,
            "unsupported specversion '0.3' in 'ce_specversion'; only 1.0 is accepted"),
        new Case(
            "a ce_time that is not RFC 3339",
            () -> healthy().withHeader("ce_time", "yesterday"),
            RejectionReason.INVALID_ATTRIBUTE,
            "attribute 'ce_time' is not an RFC 3339 timestamp: 'yesterday'"),
        new Case(
            "a type Aegis does not know",
            () -> healthy().withHeader("ce_type", "dev.aegis.health.reported.v9"),
            RejectionReason.UNKNOWN_TYPE,
            "unknown event type 'dev.aegis.health.reported.v9'"),
        new Case(
            "a dataschema of another type",
            () -> healthy().withHeader("ce_dataschema", EventType.CHAOS_INJECTED.dataschemaUri()),
            RejectionReason.SCHEMA_MISMATCH,
            "dataschema 'https://schemas.aegis.dev/dev.aegis.chaos.injected.v1.json' is not the"
                + " schema of dev.aegis.health.reported.v1; expected "
                + "'https://schemas.aegis.dev/dev.aegis.health.reported.v1.json'"),
        new Case(
            "data with a negative p95 latency",
            () ->
                WireRecord.binary(
                    HEALTH,
                    "1",
                    EventJson.toJson(
                        new HealthReported(
                            "checkout",
                            "1.4.2",
                            Track.CANARY,
                            Samples.T0,
                            Samples.T0.plusSeconds(60),
                            10,
                            0,
                            new Latency(1, -1, 2),
                            null,
                            null))),
            RejectionReason.SCHEMA_VIOLATION,
            "schema violation at /latencyMs/p95: must have a minimum value of 0"),
        new Case(
            "data with more errors than requests",
            () ->
                WireRecord.binary(
                    HEALTH,
                    "1",
                    EventJson.toJson(
                        new HealthReported(
                            "checkout",
                            "1.4.2",
                            Track.CANARY,
                            Samples.T0,
                            Samples.T0.plusSeconds(60),
                            10,
                            11,
                            new Latency(1, 2, 3),
                            null,
                            null))),
            RejectionReason.INVALID_DATA,
            "invalid data at /errors: must not exceed requests (10)"),
        new Case(
            "data with a p95 latency beyond the range of a double",
            () ->
                WireRecord.binary(
                    HEALTH,
                    "1",
                    WireRecord.utf8(
                        new String(EventJson.toJson(Samples.health()), StandardCharsets.UTF_8)
                            .replaceFirst("\"p95\":[0-9.]+", "\"p95\":1e400"))),
            RejectionReason.INVALID_DATA,
            "invalid data at /latencyMs/p95: the number is beyond the range of a double"),
        new Case(
            "a binary record whose content-type is not JSON",
            () -> healthy().withHeader("content-type", "text/plain"),
            RejectionReason.UNSUPPORTED_CONTENT_TYPE,
            "content-type 'text/plain' is not JSON; Aegis events carry application/json data"));
  }

  @ParameterizedTest(name = "{0} is rejected")
  @MethodSource("cases")
  void each_reason_is_produced_with_a_precise_detail(Case rejection) {
    DecodeResult result = rejection.record().get().decodeWith(CODEC);

    assertThat(result).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.reason()).isEqualTo(rejection.reason());
    assertThat(rejected.detail()).isEqualTo(rejection.detail());
  }

  @Test
  void the_table_covers_every_rejection_reason() {
    Set<RejectionReason> covered =
        cases().stream()
            .map(Case::reason)
            .collect(Collectors.toCollection(() -> EnumSet.noneOf(RejectionReason.class)));

    assertThat(covered).containsExactlyInAnyOrder(RejectionReason.values());
  }

  @ParameterizedTest(name = "{0} has a kebab-case code that reads back")
  @EnumSource(RejectionReason.class)
  void every_reason_has_a_stable_kebab_case_code(RejectionReason reason) {
    assertThat(reason.code()).matches("[a-z]+(-[a-z]+)*");
    assertThat(reason.code()).isEqualTo(reason.name().toLowerCase(Locale.ROOT).replace('_', '-'));
    assertThat(RejectionReason.fromCode(reason.code())).contains(reason);
  }

  @Test
  void codes_are_unique_and_unknown_codes_are_not_guessed() {
    assertThat(Stream.of(RejectionReason.values()).map(RejectionReason::code))
        .doesNotHaveDuplicates();
    assertThat(RejectionReason.fromCode("SCHEMA_VIOLATION")).isEmpty();
  }

  @Test
  void only_data_rejections_carry_a_pointer() {
    List<Rejected> rejections =
        cases().stream().map(c -> (Rejected) c.record().get().decodeWith(CODEC)).toList();

    for (Rejected rejected : rejections) {
      boolean aboutData =
          Arrays.asList(RejectionReason.SCHEMA_VIOLATION, RejectionReason.INVALID_DATA)
              .contains(rejected.reason());
      assertThat(rejected.pointer() != null).as(rejected.reason().code()).isEqualTo(aboutData);
    }
  }

  private static WireRecord healthy() {
    return WireRecord.binary(HEALTH, "1", EventJson.toJson(Samples.health()));
  }
}
