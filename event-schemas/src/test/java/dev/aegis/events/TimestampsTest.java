package dev.aegis.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  private static final long FIRST = LocalDate.of(0, 1, 1).toEpochDay() * 86_400;
  private static final long END = LocalDate.of(10_000, 1, 1).toEpochDay() * 86_400;

  /** A mapper as Aegis builds them: the jsr310 module, then this one. */
  private static final ObjectMapper FAST =
      JsonMapper.builder()
          .addModule(new JavaTimeModule())
          .addModule(Timestamps.jacksonModule())
          .build();

  private final Random random = new Random(20261205);

  @Test
  void everyCanonicalTimestampParsesAsJavaTimeParsesIt() {
    for (int i = 0; i < 200_000; i++) {
      Instant expected =
          Instant.ofEpochSecond(FIRST + (long) (random.nextDouble() * (END - FIRST)));
      int digits = 1 + random.nextInt(9);
      int fraction = random.nextInt((int) Math.pow(10, digits));
      String text =
          expected.toString().replace("Z", "")
              + "."
              + String.format("%0" + digits + "d", fraction)
              + "Z";

      assertThat(Timestamps.parseUtc(text))
          .as(text)
          .isEqualTo(OffsetDateTime.parse(text).toInstant());
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-05T01:02:03Z",
        "2024-02-29T23:59:59.999999999Z",
        "0000-01-01T00:00:00Z",
        "9999-12-31T23:59:59.5Z",
        "2000-02-29T12:00:00.000Z"
      })
  void edgesOfTheCanonicalForm(String text) {
    assertThat(Timestamps.parseUtc(text)).isEqualTo(OffsetDateTime.parse(text).toInstant());
  }

  /** Forms java.time accepts but this class leaves to it: parsed by the caller as before. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2026-12-05T01:02:03+00:00",
        "2026-12-05T03:02:03+02:00",
        "2026-12-05t01:02:03Z",
        "2026-12-05T01:02Z"
      })
  void otherFormsAreLeftToTheCaller(String text) {
    assertThat(Timestamps.parseUtc(text)).isNull();
  }

  /** Text that is no valid instant: never accepted here; the caller's parser words the refusal. */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "2025-02-29T00:00:00Z",
        "2026-02-30T00:00:00Z",
        "2026-04-31T00:00:00Z",
        "2026-13-01T00:00:00Z",
        "2026-00-01T00:00:00Z",
        "2026-12-00T00:00:00Z",
        "2026-12-05T24:00:00Z",
        "2026-12-05T23:60:00Z",
        "2026-12-05T23:59:60Z",
        "2026-12-05T01:02:03.Z",
        "2026-12-05T01:02:03.1234567891Z",
        "2026-12-05T01:02:03,5Z",
        "2026-12-05 01:02:03Z",
        "2026-1a-05T01:02:03Z",
        "-026-12-05T01:02:03Z",
        "2026-12-05T01:02:03.+1Z",
        "",
        "Z"
      })
  void invalidTextIsNeverAccepted(String text) {
    assertThat(Timestamps.parseUtc(text)).isNull();
  }

  /**
   * Canonical text with one character changed to anything: whatever this class accepts, java.time
   * accepts as the same instant.
   */
  @Test
  void mutatedTextIsAcceptedOnlyAsJavaTimeAcceptsIt() {
    String alphabet = "0123456789-:.TtZz+ ";
    int accepted = 0;
    for (int i = 0; i < 200_000; i++) {
      char[] text =
          Instant.ofEpochSecond(FIRST + (long) (random.nextDouble() * (END - FIRST)), 123_000_000)
              .toString()
              .toCharArray();
      text[random.nextInt(text.length)] = alphabet.charAt(random.nextInt(alphabet.length()));
      String mutated = new String(text);
      Instant fast = Timestamps.parseUtc(mutated);
      if (fast != null) {
        accepted++;
        assertThat(fast).as(mutated).isEqualTo(OffsetDateTime.parse(mutated).toInstant());
      }
    }
    assertThat(accepted).as("mutations that stay valid, e.g. another digit").isPositive();
  }

  @Test
  void formatsEveryInstantAsToStringDoes() {
    for (int i = 0; i < 200_000; i++) {
      long seconds = FIRST + (long) (random.nextDouble() * (END - FIRST));
      int nanos =
          switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1_000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
          };
      Instant instant = Instant.ofEpochSecond(seconds, nanos);

      assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
    }
  }

  @ParameterizedTest
  @ValueSource(
      longs = {
        Long.MIN_VALUE / 1_000_000_000L,
        -62_167_219_201L, // the last second of year -1
        -62_167_219_200L, // 0000-01-01T00:00:00Z
        -1,
        0,
        253_402_300_799L, // 9999-12-31T23:59:59Z
        253_402_300_800L, // +10000-01-01T00:00:00Z
        Long.MAX_VALUE / 1_000_000_000L
      })
  void formatsTheEdgesOfTheRangeAsToStringDoes(long seconds) {
    Instant instant = Instant.ofEpochSecond(seconds, 10);

    assertThat(Timestamps.format(instant)).isEqualTo(instant.toString());
  }

  @Test
  void jacksonReadsAndWritesInstantsAsTheJavaTimeModuleDoes() throws Exception {
    ObjectMapper plain = JsonMapper.builder().addModule(new JavaTimeModule()).build();
    ObjectMapper fast = FAST;
    for (String text :
        new String[] {
          "\"2026-12-05T01:02:03.123456Z\"",
          "\"2026-12-05T03:02:03+02:00\"",
          "\"2026-12-05T01:02:03.1-01:30\"",
          "1733360523.5"
        }) {
      assertThat(fast.readValue(text, Instant.class))
          .as(text)
          .isEqualTo(plain.readValue(text, Instant.class));
    }
    Instant instant = Instant.parse("2026-12-05T01:02:03.120Z");
    for (boolean numeric : new boolean[] {true, false}) {
      assertThat(writer(fast, numeric).writeValueAsString(instant))
          .as("numeric " + numeric)
          .isEqualTo(writer(plain, numeric).writeValueAsString(instant));
    }
    assertThat(writer(fast, false).writeValueAsString(instant))
        .isEqualTo("\"2026-12-05T01:02:03.120Z\"");
  }

  private static ObjectWriter writer(ObjectMapper mapper, boolean numericDates) {
    return numericDates
        ? mapper.writer().with(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        : mapper.writer().without(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  @Test
  void jacksonRefusesWhatTheJavaTimeModuleRefuses() {
    ObjectMapper fast = FAST;

    for (String text :
        new String[] {"\"2026-02-30T00:00:00Z\"", "\"2026-12-05T01:02:03.1234567891Z\""}) {
      assertThatThrownBy(() -> fast.readValue(text, Instant.class))
          .as(text)
          .hasRootCauseInstanceOf(DateTimeParseException.class);
    }
  }
}
