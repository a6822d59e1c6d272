package dev.aegis.orchestrator.judgment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.judgment.stats.Dispersion;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** A track's kept windows with their counts and end times beside them as primitive arrays. */
class SamplesTest {

  private static final Instant T0 = Instant.parse("2026-12-05T23:00:00Z");

  @Test
  @DisplayName(
      "the dispersion of the windows ending at or before a time is that of the windows"
          + " Instant.isAfter keeps, to the nanosecond, whether the list was built at once or"
          + " appended to")
  void dispersionUntilFiltersAsTheInstantsDo() {
    Random random = new Random(5);
    for (int round = 0; round < 2_000; round++) {
      List<WindowSample> kept = new ArrayList<>();
      int size = random.nextInt(70);
      for (int i = 0; i < size; i++) {
        kept.add(sample(random));
      }
      Instant until =
          switch (random.nextInt(4)) {
            case 0 -> Instant.MAX;
            case 1 -> Instant.MIN;
            case 2 -> kept.isEmpty() ? T0 : kept.get(random.nextInt(kept.size())).end();
            default -> T0.plusSeconds(random.nextInt(5)).plusNanos(random.nextInt(3));
          };
      List<WindowSample> expected = kept.stream().filter(s -> !s.end().isAfter(until)).toList();

      Samples appended = Samples.EMPTY;
      for (WindowSample s : kept) {
        appended = appended.plus(s);
      }
      Dispersion ofExpected =
          Dispersion.pearson(
              expected.stream().mapToLong(WindowSample::requests).toArray(),
              expected.stream().mapToLong(WindowSample::errors).toArray());
      for (Samples samples : List.of(Samples.of(kept), appended)) {
        assertThat(samples).isEqualTo(kept);
        assertThat(samples.dispersionUntil(until)).as("until %s", until).isEqualTo(ofExpected);
      }
    }
  }

  @Test
  @DisplayName(
      "a window's share of a span is what Instants and Durations give, to the nanosecond,"
          + " for windows inside, across, around, outside and shorter than a millisecond")
  void overlapIsWhatInstantsGive() {
    Random random = new Random(13);
    for (int round = 0; round < 20_000; round++) {
      Instant start = T0.plusMillis(random.nextInt(4_000)).plusNanos(random.nextInt(2_000_000));
      Instant end =
          random.nextInt(10) == 0
              ? start.plusNanos(random.nextInt(2_000_000) - 1_000_000)
              : start.plusMillis(random.nextInt(4_000)).plusNanos(random.nextInt(2_000_000));
      Instant from = T0.plusMillis(random.nextInt(6_000)).plusNanos(random.nextInt(2_000_000));
      Instant to =
          random.nextInt(10) == 0
              ? from.minusNanos(random.nextInt(500_000_000))
              : from.plusMillis(random.nextInt(4_000)).plusNanos(random.nextInt(2_000_000));
      WindowSample window = new WindowSample(start, end, 100, 1, 80, null);

      assertThat(Samples.EMPTY.plus(window).overlap(0, from, to))
          .as("%s..%s over %s..%s", start, end, from, to)
          .isEqualTo(overlapWithInstants(window, from, to));
    }
  }

  /** The share as it was computed before the arrays, with Instant and Duration. */
  private static double overlapWithInstants(WindowSample w, Instant from, Instant to) {
    if (!(w.start().isBefore(to) && w.end().isAfter(from))) {
      return 0;
    }
    long span = Duration.between(w.start(), w.end()).toMillis();
    if (span <= 0) {
      return 1;
    }
    Instant a = w.start().isAfter(from) ? w.start() : from;
    Instant b = w.end().isBefore(to) ? w.end() : to;
    return (double) Duration.between(a, b).toMillis() / span;
  }

  @Test
  @DisplayName("as a list it equals, and hashes as, any list of the same windows, and is immutable")
  void behavesAsAnImmutableList() {
    Random random = new Random(9);
    List<WindowSample> plain = List.of(sample(random), sample(random), sample(random));
    WindowSample more = sample(random);
    Samples samples = Samples.of(plain);

    assertThat(samples).isEqualTo(plain).hasSameHashCodeAs(plain);
    assertThat(plain).isEqualTo(samples);
    assertThat(samples.plus(more)).containsExactly(plain.get(0), plain.get(1), plain.get(2), more);
    assertThat(samples).hasSize(3);
    assertThat(Samples.of(samples)).isSameAs(samples);
    assertThat(Samples.of(null)).isEmpty();
    assertThatThrownBy(() -> samples.add(more)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> samples.set(0, more))
        .isInstanceOf(UnsupportedOperationException.class);
    List<WindowSample> withNull = new ArrayList<>(plain);
    withNull.add(null);
    assertThatThrownBy(() -> Samples.of(withNull)).isInstanceOf(NullPointerException.class);
  }

  @Test
  @DisplayName("an evidence's tracks keep the arrays through added, merged and carried windows")
  void evidenceKeepsItsTracksAsSamples() {
    Random random = new Random(3);
    StepEvidence e = StepEvidence.EMPTY;
    for (int i = 0; i < 200; i++) {
      HealthWindow.Track track = HealthWindow.Track.values()[i % 3];
      WindowSample s = sample(random);
      e = e.plus(new StepEvidence.Entry(track, s, List.of(), false));
      assertThat(e.canary()).isInstanceOf(Samples.class);
      assertThat(e.baseline()).isInstanceOf(Samples.class);
      assertThat(e.stable()).isInstanceOf(Samples.class);
    }
    assertThat(e.carriedPast(T0).stable()).isInstanceOf(Samples.class);
  }

  /** A window ending within a few seconds of T0, nanoseconds included, so ends often tie. */
  private static WindowSample sample(Random random) {
    Instant end = T0.plusSeconds(random.nextInt(5)).plusNanos(random.nextInt(3));
    long requests = random.nextInt(3) == 0 ? 0 : 1 + random.nextInt(1_000);
    return new WindowSample(
        end.minusSeconds(10), end, requests, random.nextInt((int) requests + 1), 80, null);
  }
}
