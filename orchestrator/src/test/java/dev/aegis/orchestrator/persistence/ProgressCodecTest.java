package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.judgment.Sequential;
import dev.aegis.orchestrator.judgment.Sequential.EProcess;
import dev.aegis.orchestrator.judgment.Sequential.Power;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.StepProgress.Shift;
import dev.aegis.orchestrator.judgment.StepProgress.Timeline;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ProgressCodecTest {

  private final SplittableRandom random = new SplittableRandom(2026_12_06L);

  @Test
  @DisplayName("any progress reads back equal, nulls, edge doubles and out-of-range times included")
  void roundTrip() {
    for (int i = 0; i < 20_000; i++) {
      StepProgress progress = randomProgress();
      String stored = ProgressCodec.write(progress);
      assertThat(ProgressCodec.read(stored)).as(stored).isEqualTo(progress);
    }
  }

  @Test
  @DisplayName("the compact form is pure ASCII and under half the named form of the same progress")
  void compact() {
    for (int i = 0; i < 1_000; i++) {
      StepProgress progress = fullProgress();
      String compact = ProgressCodec.write(progress);
      String named = StateJson.writeAscii(progress);
      assertThat(compact.getBytes(StandardCharsets.UTF_8)).hasSize(compact.length());
      assertThat(compact.length()).as(compact).isLessThan(named.length() / 2);
    }
  }

  @Test
  @DisplayName(
      "a whole-number double is written as an integer and reads back equal; -0.0 and fractions keep"
          + " their decimal form")
  void wholeDoublesAsIntegers() {
    StepProgress progress = fullProgress();
    StepProgress whole =
        new StepProgress(
            progress.boundary(),
            progress.windows(),
            progress.requests(),
            progress.errors(),
            123_456_789.0,
            -0.0,
            200.5,
            progress.observed(),
            progress.firstWindowStart(),
            progress.coveredUntil(),
            null,
            progress.failures(),
            progress.extendedFrom(),
            progress.shift(),
            progress.sequential());
    String stored = ProgressCodec.write(whole);
    assertThat(stored).contains(",123456789,-0.0,200.5,").doesNotContain("123456789.0");
    assertThat(ProgressCodec.read(stored)).isEqualTo(whole);
  }

  @Test
  @DisplayName("a row written in the named form, before the compact one, still reads")
  void namedFormStillReads() {
    for (int i = 0; i < 1_000; i++) {
      StepProgress progress = fullProgress();
      assertThat(ProgressCodec.read(StateJson.writeAscii(progress))).isEqualTo(progress);
    }
    assertThat(ProgressCodec.read(null)).isNull();
  }

  @Test
  @DisplayName("a document of another format or cut short is refused with the reason, not misread")
  void refusesWhatItCannotRead() {
    String stored = ProgressCodec.write(fullProgress());
    assertThatThrownBy(() -> ProgressCodec.read("[3" + stored.substring(2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unknown format 3");
    assertThatThrownBy(() -> ProgressCodec.read(stored.substring(0, stored.length() / 2)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unreadable");
    assertThatThrownBy(() -> ProgressCodec.read(stored.replaceFirst(",\\d+,", ",\"x\",")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unreadable");
  }

  @Test
  @DisplayName("progress carrying samples is refused: the row never holds them")
  void refusesSamples() {
    StepProgress withSamples = fullProgress().withSamples(StepEvidence.EMPTY);
    assertThatThrownBy(() -> ProgressCodec.write(withSamples))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private StepProgress fullProgress() {
    Instant t =
        Instant.ofEpochSecond(
            1_700_000_000L + random.nextInt(100_000_000), random.nextInt(1_000_000_000));
    EProcess crossed =
        new EProcess(
            random.nextDouble() * 9,
            random.nextDouble() * 9,
            12,
            t,
            2,
            7,
            2.2,
            1.0 + random.nextDouble());
    return new StepProgress(
        t,
        random.nextLong(1, 10_000),
        random.nextLong(1, 10_000_000),
        random.nextLong(0, 100_000),
        random.nextDouble() * 1e9,
        random.nextDouble() * 1e5,
        random.nextDouble() * 1e3,
        Duration.ofNanos(random.nextLong(1, 1_000_000_000_000L)),
        t.plusNanos(random.nextInt(1_000_000)),
        t.plusSeconds(random.nextInt(100_000)),
        null,
        random.nextInt(3),
        Duration.ofMillis(random.nextInt(1_000_000)),
        new Shift(t, Duration.ofSeconds(30), 120, 3, Timeline.LIVE),
        new Sequential(
            crossed,
            crossed,
            crossed,
            random.nextInt(10_000),
            random.nextDouble() * 1e6,
            random.nextDouble() * 1e3,
            random.nextDouble() * 1e6,
            random.nextDouble() * 1e3,
            random.nextInt(10_000),
            random.nextDouble(),
            random.nextDouble(),
            random.nextDouble(),
            random.nextDouble() * 2,
            random.nextDouble(),
            random.nextDouble() * 50,
            random.nextInt(100),
            new Power(random.nextDouble(), random.nextDouble(), 900.0, 4.0)));
  }

  private StepProgress randomProgress() {
    return new StepProgress(
        maybeInstant(),
        random.nextLong(),
        random.nextLong(),
        random.nextLong(),
        anyDouble(),
        anyDouble(),
        anyDouble(),
        maybeDuration(),
        maybeInstant(),
        maybeInstant(),
        null,
        random.nextInt(),
        maybeDuration(),
        random.nextInt(4) == 0
            ? null
            : new Shift(
                maybeInstant(),
                maybeDuration(),
                random.nextLong(),
                random.nextLong(),
                Timeline.values()[random.nextInt(Timeline.values().length)]),
        random.nextInt(4) == 0
            ? null
            : new Sequential(
                maybeProcess(),
                maybeProcess(),
                maybeProcess(),
                random.nextInt(),
                anyDouble(),
                anyDouble(),
                anyDouble(),
                anyDouble(),
                random.nextInt(),
                anyDouble(),
                anyDouble(),
                anyDouble(),
                random.nextBoolean() ? null : anyDouble(),
                random.nextBoolean() ? null : anyDouble(),
                anyDouble(),
                random.nextInt(),
                random.nextInt(3) == 0
                    ? null
                    : new Power(anyDouble(), anyDouble(), anyDouble(), anyDouble())));
  }

  private EProcess maybeProcess() {
    if (random.nextInt(4) == 0) {
      return null;
    }
    return new EProcess(
        anyDouble(),
        anyDouble(),
        random.nextInt(),
        maybeInstant(),
        random.nextBoolean() ? null : random.nextInt(),
        random.nextBoolean() ? null : random.nextInt(),
        random.nextBoolean() ? null : anyDouble(),
        random.nextBoolean() ? null : anyDouble());
  }

  private double anyDouble() {
    return switch (random.nextInt(8)) {
      case 0 -> Double.NaN;
      case 1 -> random.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
      case 2 -> random.nextBoolean() ? -0.0 : Double.MIN_VALUE;
      case 3 -> Double.longBitsToDouble(random.nextLong());
      // Whole numbers, written as integers below 10^15 in magnitude: either side of that bound.
      case 4 -> (double) random.nextLong(-(1L << 53), 1L << 53);
      case 5 -> (double) random.nextLong(-1_000_000, 1_000_000);
      default -> random.nextDouble() * Math.pow(10, random.nextInt(-20, 20));
    };
  }

  private Instant maybeInstant() {
    return switch (random.nextInt(6)) {
      case 0 -> null;
      // Beyond a long of nanoseconds either side (years 1677 and 2262).
      case 1 -> random.nextBoolean() ? Instant.MAX : Instant.MIN;
      case 2 ->
          Instant.ofEpochSecond(-random.nextLong(1, 9_000_000_000L), random.nextInt(1_000_000_000));
      default ->
          Instant.ofEpochSecond(random.nextLong(0, 9_000_000_000L), random.nextInt(1_000_000_000));
    };
  }

  private Duration maybeDuration() {
    return switch (random.nextInt(5)) {
      case 0 -> null;
      case 1 -> Duration.ofSeconds(random.nextLong(), random.nextInt(1_000_000_000));
      case 2 -> Duration.ofNanos(-random.nextLong(0, Long.MAX_VALUE));
      default -> Duration.ofNanos(random.nextLong(0, Long.MAX_VALUE));
    };
  }
}
