package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.DecodeResult.Decoded;
import dev.aegis.events.DecodeResult.Rejected;
import dev.aegis.events.WireRecord.Mode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayNameGeneration;
import org.junit.jupiter.api.DisplayNameGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture, in both content modes, decodes to exactly what it declares. */
@DisplayNameGeneration(DisplayNameGenerator.ReplaceUnderscores.class)
class FixturesTest {

  private static final EventCodec CODEC = new EventCodec();

  static Stream<Arguments> validFixtures() {
    return inBothModes(true);
  }

  static Stream<Arguments> invalidFixtures() {
    return inBothModes(false);
  }

  @ParameterizedTest(name = "{0} decodes in {1} mode")
  @MethodSource("validFixtures")
  void a_valid_fixture_decodes_to_its_record(Fixture fixture, Mode mode) {
    String id = "fixture-" + fixture.name();

    DecodeResult result =
        WireRecord.of(mode, fixture.type().type(), id, fixture.data()).decodeWith(CODEC);

    Object expectedData = EventJson.fromJson(fixture.data(), fixture.type().dataClass());
    assertThat(result)
        .isEqualTo(
            new Decoded(
                WireRecord.expectedEnvelope(fixture.type(), id), fixture.type(), expectedData));
  }

  @ParameterizedTest(name = "{0} re-encodes in {1} mode to the same event")
  @MethodSource("validFixtures")
  void a_valid_fixture_survives_a_round_trip_through_the_encoder(Fixture fixture, Mode mode) {
    Decoded decoded =
        (Decoded)
            WireRecord.of(mode, fixture.type().type(), "rt", fixture.data()).decodeWith(CODEC);

    EncodedEvent encoded =
        mode == Mode.BINARY
            ? CODEC.encodeBinary(decoded.envelope(), decoded.data())
            : CODEC.encodeStructured(decoded.envelope(), decoded.data());

    assertThat(CODEC.decode(encoded.value(), encoded.headers())).isEqualTo(decoded);
    assertThat(encoded.topic()).isEqualTo(fixture.type().topic());
  }

  @ParameterizedTest(name = "{0} is rejected in {1} mode as declared")
  @MethodSource("invalidFixtures")
  void an_invalid_fixture_is_rejected_with_its_declared_reason_pointer_and_detail(
      Fixture fixture, Mode mode) {
    DecodeResult result =
        WireRecord.of(mode, fixture.type().type(), "bad", fixture.data()).decodeWith(CODEC);

    assertThat(result).isInstanceOf(Rejected.class);
    Rejected rejected = (Rejected) result;
    assertThat(rejected.reason().code()).as(rejected.detail()).isEqualTo(fixture.expectedCode());
    assertThat(rejected.pointer()).as(rejected.detail()).isEqualTo(fixture.expectedPointer());
    if (fixture.expectedDetail(mode) != null) {
      assertThat(rejected.detail()).isEqualTo(fixture.expectedDetail(mode));
    }
  }

  @Test
  void every_type_has_fixtures_and_inbound_types_have_enough_of_them() {
    Map<EventType, List<Fixture>> byType =
        Fixture.all().stream().collect(Collectors.groupingBy(Fixture::type));

    assertThat(byType).containsOnlyKeys(EventType.values());
    byType.forEach(
        (type, fixtures) -> {
          long valid = fixtures.stream().filter(Fixture::valid).count();
          long invalid = fixtures.size() - valid;
          assertThat(valid)
              .as("valid fixtures of %s", type)
              .isGreaterThanOrEqualTo(type.isInbound() ? 2 : 1);
          assertThat(invalid)
              .as("invalid fixtures of %s", type)
              .isGreaterThanOrEqualTo(type.isInbound() ? 4 : 0);
        });
  }

  @Test
  void invalid_fixtures_cover_both_schema_violations_and_semantic_checks_for_every_inbound_type() {
    Map<EventType, List<String>> codes =
        Fixture.all().stream()
            .filter(fixture -> !fixture.valid())
            .collect(
                Collectors.groupingBy(
                    Fixture::type, Collectors.mapping(Fixture::expectedCode, Collectors.toList())));

    for (EventType type : EventType.values()) {
      if (type.isInbound()) {
        assertThat(codes.get(type)).as(type.type()).contains("schema-violation", "invalid-data");
      }
    }
  }

  private static Stream<Arguments> inBothModes(boolean valid) {
    List<Arguments> arguments = new ArrayList<>();
    for (Fixture fixture : Fixture.all()) {
      if (fixture.valid() == valid) {
        for (Mode mode : Mode.values()) {
          arguments.add(Arguments.of(fixture, mode));
        }
      }
    }
    return arguments.stream();
  }
}
