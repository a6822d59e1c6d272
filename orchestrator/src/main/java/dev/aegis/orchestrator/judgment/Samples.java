package dev.aegis.orchestrator.judgment;

import dev.aegis.orchestrator.judgment.stats.Dispersion;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * One track's kept windows, immutable, with their counts, p95 and spans also held as primitive
 * arrays. The judge reads those on every window (Pearson's dispersion over the track, the reference
 * over the canary window's span): through the samples it would follow three pointers per window, a
 * sample and its two {@link Instant}s, and at a thousand experiments per replica they are seldom in
 * the CPU's caches (JFR put Pearson's walk alone at a tenth of the consumer threads' time). As a
 * {@link List} it equals any list of the same samples.
 */
final class Samples extends AbstractList<WindowSample> implements RandomAccess {

  static final Samples EMPTY = new Samples(new WindowSample[0]);

  private final WindowSample[] samples;
  private final long[] requests;
  private final long[] errors;
  private final double[] p95Ms;
  private final long[] startSeconds;
  private final int[] startNanos;
  private final long[] endSeconds;
  private final int[] endNanos;

  private Samples(WindowSample[] samples) {
    this(samples, null, samples.length);
    for (int i = 0; i < samples.length; i++) {
      fill(i, Objects.requireNonNull(samples[i], "a kept window"));
    }
  }

  /** {@code length} windows: the first ones copied from {@code from} when given, else empty. */
  private Samples(WindowSample[] samples, Samples from, int length) {
    this.samples = samples;
    if (from == null) {
      requests = new long[length];
      errors = new long[length];
      p95Ms = new double[length];
      startSeconds = new long[length];
      startNanos = new int[length];
      endSeconds = new long[length];
      endNanos = new int[length];
    } else {
      requests = Arrays.copyOf(from.requests, length);
      errors = Arrays.copyOf(from.errors, length);
      p95Ms = Arrays.copyOf(from.p95Ms, length);
      startSeconds = Arrays.copyOf(from.startSeconds, length);
      startNanos = Arrays.copyOf(from.startNanos, length);
      endSeconds = Arrays.copyOf(from.endSeconds, length);
      endNanos = Arrays.copyOf(from.endNanos, length);
    }
  }

  /** Fills position {@code i} of the arrays from {@code s} (only while this list is built). */
  private void fill(int i, WindowSample s) {
    samples[i] = s;
    requests[i] = s.requests();
    errors[i] = s.errors();
    p95Ms[i] = s.p95Ms();
    startSeconds[i] = s.start().getEpochSecond();
    startNanos[i] = s.start().getNano();
    endSeconds[i] = s.end().getEpochSecond();
    endNanos[i] = s.end().getNano();
  }

  /** {@code samples} as this list; the same object when it is one already. */
  static Samples of(List<WindowSample> samples) {
    if (samples instanceof Samples kept) {
      return kept;
    }
    return samples == null || samples.isEmpty()
        ? EMPTY
        : new Samples(samples.toArray(WindowSample[]::new));
  }

  /**
   * This list with {@code sample} appended. Copies the arrays rather than reading the kept samples
   * again, which would cost the same cache misses as the walks the arrays save.
   */
  Samples plus(WindowSample sample) {
    int n = samples.length;
    Samples out = new Samples(Arrays.copyOf(samples, n + 1), this, n + 1);
    out.fill(n, Objects.requireNonNull(sample, "a kept window"));
    return out;
  }

  @Override
  public WindowSample get(int index) {
    return samples[index];
  }

  @Override
  public int size() {
    return samples.length;
  }

  long requests(int i) {
    return requests[i];
  }

  long errors(int i) {
    return errors[i];
  }

  double p95Ms(int i) {
    return p95Ms[i];
  }

  /**
   * Pearson's dispersion ({@link Dispersion#pearson}) of the windows ending at or before {@code
   * until}, read from these arrays in place.
   */
  Dispersion dispersionUntil(Instant until) {
    long seconds = until.getEpochSecond();
    int nanos = until.getNano();
    return Dispersion.pearson(
        requests,
        errors,
        samples.length,
        i -> compare(endSeconds[i], endNanos[i], seconds, nanos) <= 0);
  }

  /**
   * The fraction of window {@code i}'s span inside [from, to], from the arrays: 0 when they do not
   * overlap ({@link WindowSample#overlaps}), 1 for a window shorter than a millisecond, else the
   * milliseconds of the overlap over those of the span, each as {@code Duration.between(..)
   * .toMillis()} counts them.
   */
  double overlap(int i, Instant from, Instant to) {
    long fromSeconds = from.getEpochSecond();
    int fromNanos = from.getNano();
    long toSeconds = to.getEpochSecond();
    int toNanos = to.getNano();
    boolean overlaps =
        compare(startSeconds[i], startNanos[i], toSeconds, toNanos) < 0
            && compare(endSeconds[i], endNanos[i], fromSeconds, fromNanos) > 0;
    if (!overlaps) {
      return 0;
    }
    long span = millisBetween(startSeconds[i], startNanos[i], endSeconds[i], endNanos[i]);
    if (span <= 0) {
      return 1;
    }
    boolean startsLater = compare(startSeconds[i], startNanos[i], fromSeconds, fromNanos) > 0;
    long aSeconds = startsLater ? startSeconds[i] : fromSeconds;
    int aNanos = startsLater ? startNanos[i] : fromNanos;
    boolean endsEarlier = compare(endSeconds[i], endNanos[i], toSeconds, toNanos) < 0;
    long bSeconds = endsEarlier ? endSeconds[i] : toSeconds;
    int bNanos = endsEarlier ? endNanos[i] : toNanos;
    return (double) millisBetween(aSeconds, aNanos, bSeconds, bNanos) / span;
  }

  /** As {@link Instant#compareTo} of (seconds, nanos) pairs. */
  private static int compare(long aSeconds, int aNanos, long bSeconds, int bNanos) {
    int bySeconds = Long.compare(aSeconds, bSeconds);
    return bySeconds != 0 ? bySeconds : aNanos - bNanos;
  }

  /** {@code Duration.between(a, b).toMillis()}, without the objects. */
  private static long millisBetween(long aSeconds, int aNanos, long bSeconds, int bNanos) {
    long seconds = Math.subtractExact(bSeconds, aSeconds);
    long nanos = (long) bNanos - aNanos;
    if (nanos < 0) { // normalised as Duration keeps it: nanos in [0, 1e9)
      seconds = Math.subtractExact(seconds, 1);
      nanos += 1_000_000_000L;
    }
    if (seconds < 0) { // as toMillis() counts a negative duration: towards zero
      seconds += 1;
      nanos -= 1_000_000_000L;
    }
    return Math.addExact(Math.multiplyExact(seconds, 1000), nanos / 1_000_000);
  }
}
