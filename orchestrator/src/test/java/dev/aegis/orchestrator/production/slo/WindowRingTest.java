package dev.aegis.orchestrator.production.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The compact ring reads exactly what the ring it replaced read, and holds only the buckets its
 * track has reached.
 */
class WindowRingTest {

  private static final long T0 = Instant.parse("2025-03-01T12:00:00Z").toEpochMilli();
  private static final long MINUTE = 60_000;
  private static final double BUDGET = 0.001;

  static Stream<Arguments> geometries() {
    return Stream.of(
        Arguments.of(Duration.ofMinutes(5), 60),
        Arguments.of(Duration.ofMinutes(30), 60),
        Arguments.of(Duration.ofHours(1), 60),
        Arguments.of(Duration.ofHours(6), 60),
        Arguments.of(Duration.ofDays(3), 60),
        Arguments.of(Duration.ofSeconds(7), 3),
        Arguments.of(Duration.ofMillis(1500), 60),
        Arguments.of(Duration.ofHours(1), 1),
        Arguments.of(Duration.ofMinutes(10), 7));
  }

  @ParameterizedTest(name = "a {0} window in {1} buckets")
  @MethodSource("geometries")
  @DisplayName(
      "in order, late, too old, overlapping, after gaps longer than the window: every reading equals the old ring's, to the bit")
  void readsWhatTheOldRingRead(Duration window, int buckets) {
    for (long seed = 1; seed <= 20; seed++) {
      SplittableRandom random = new SplittableRandom(seed * 7919 + window.toMillis());
      WindowRing ring = new WindowRing(window, buckets);
      ReferenceWindowRing reference = new ReferenceWindowRing(window, buckets);
      long span = window.toMillis();
      long now = T0;
      long next = T0;
      for (int i = 0; i < 400; i++) {
        long length = length(random, span);
        long start = start(random, next, now, span);
        long end = start + length;
        long requests = random.nextLong(5_000);
        long errors = requests == 0 ? 0 : random.nextLong(requests + 1);
        now = Math.max(now, end);
        next = Math.max(next, end);
        ring.add(start, end, requests, errors, now);
        reference.add(start, end, requests, errors, now);

        assertThat(ring.read(now, BUDGET))
            .as("seed %d, window %d [%d, %d) at %d", seed, i, start - T0, end - T0, now - T0)
            .isEqualTo(reference.read(now, BUDGET));
        assertThat(ring.capacity()).isLessThanOrEqualTo(ring.slots());
      }
    }
  }

  /** Mostly windows of about the bucket width, some far shorter, some spanning the window. */
  private static long length(SplittableRandom random, long span) {
    return switch (random.nextInt(6)) {
      case 0 -> 1 + random.nextLong(Math.max(1, span / 200));
      case 1 -> 1 + random.nextLong(span * 2);
      default -> Math.max(1, span / 60 + random.nextLong(Math.max(1, span / 30)));
    };
  }

  /** Next in line mostly; also late, far too old, duplicated, and after gaps beyond the window. */
  private static long start(SplittableRandom random, long next, long now, long span) {
    return switch (random.nextInt(12)) {
      case 0 -> now - random.nextLong(span + 1); // late, within reach
      case 1 -> now - span * (2 + random.nextLong(5)); // too old to matter
      case 2 -> next + span * (1 + random.nextLong(3)); // a gap longer than the window
      case 3 -> next - random.nextLong(Math.max(1, span / 10)); // overlapping the last one
      default -> next + (random.nextInt(4) == 0 ? random.nextLong(Math.max(1, span / 20)) : 0);
    };
  }

  @Test
  @DisplayName(
      "one minute in the 5-minute window (5 s buckets) holds 12 buckets, 336 bytes, not the 61 of a full ring")
  void oneWindowHoldsWhatItTouched() {
    WindowRing ring = new WindowRing(Duration.ofMinutes(5), 60);

    ring.add(T0, T0 + MINUTE, 1000, 10, T0 + MINUTE);

    assertThat(ring.capacity()).isEqualTo(12);
    assertThat(ring.bucketBytes()).isEqualTo(12 * 28);
    assertThat(ring.slots()).isEqualTo(61);
  }

  @Test
  @DisplayName(
      "a day of minutes fills the ring to its 61 buckets (1 708 bytes) and a week more never grows it")
  void steadyTrafficIsBoundedByTheRing() {
    WindowRing ring = new WindowRing(Duration.ofHours(1), 60);
    long now = T0;
    for (int m = 0; m < 24 * 60; m++) {
      now = T0 + (m + 1) * MINUTE;
      ring.add(T0 + m * MINUTE, now, 1000, 1, now);
    }
    long full = ring.bucketBytes();
    for (int m = 24 * 60; m < 8 * 24 * 60; m += 7) {
      now = T0 + (m + 1) * MINUTE;
      ring.add(T0 + m * MINUTE, now, 1000, 1, now);
    }

    assertThat(full).isEqualTo(61 * WindowRing.BYTES_PER_BUCKET).isEqualTo(1_708);
    assertThat(ring.bucketBytes()).isEqualTo(full);
    assertThat(ring.read(now, BUDGET).requests()).isPositive();
  }

  @Test
  @DisplayName(
      "a bucket wider than an int of milliseconds (about 24.8 days) is refused, by the ring and by the policy")
  void refusesBucketsWiderThanAnInt() {
    List<AlertRule> month =
        List.of(AlertRule.of(Severity.TICKET, Duration.ofDays(30), Duration.ofDays(1), 1));

    assertThatThrownBy(() -> new WindowRing(Duration.ofDays(30), 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("wider");
    assertThatThrownBy(
            () ->
                new SloPolicy(
                    0.999, month, SloPolicy.DEFAULT_MIN_COVERAGE, 1, /* bucketsPerWindow */ 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("raise bucketsPerWindow");
    assertThat(new SloPolicy(0.999, month, SloPolicy.DEFAULT_MIN_COVERAGE, 1, 2).rules())
        .hasSize(1);
  }
}
