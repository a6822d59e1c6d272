package dev.aegis.orchestrator.production.slo;

import java.time.Duration;
import java.util.Arrays;

/**
 * The ring {@link WindowRing} replaced, kept as the oracle its readings must match exactly: six
 * arrays of {@code ceil(span ÷ width) + 1} slots allocated up front, each slot tagged with the
 * bucket it holds, a stale slot reset when a newer bucket lands on it.
 */
final class ReferenceWindowRing {

  private static final long EMPTY = Long.MIN_VALUE;

  private final Duration window;
  private final long span;
  private final long width;
  private final int slots;
  private final long[] bucket;
  private final double[] requests;
  private final double[] errors;
  private final long[] coveredSum;
  private final long[] hullFrom;
  private final long[] hullTo;

  ReferenceWindowRing(Duration window, int buckets) {
    this.window = window;
    this.span = window.toMillis();
    this.width = Math.max(1, ceilDiv(span, buckets));
    this.slots = (int) ceilDiv(span, width) + 1;
    this.bucket = new long[slots];
    Arrays.fill(bucket, EMPTY);
    this.requests = new double[slots];
    this.errors = new double[slots];
    this.coveredSum = new long[slots];
    this.hullFrom = new long[slots];
    this.hullTo = new long[slots];
  }

  Duration window() {
    return window;
  }

  /** Bucket width in milliseconds. */
  long width() {
    return width;
  }

  /**
   * Adds a health window {@code [start, end)} (epoch ms, {@code end > start}). Only its part within
   * reach of the window ending at {@code now} (the watermark, {@code >= end}) is kept; older data
   * could never be read again.
   */
  void add(long start, long end, long windowRequests, long windowErrors, long now) {
    long duration = end - start;
    long horizon = Math.floorDiv(now - span, width) * width;
    long from = Math.max(start, horizon);
    if (from >= end) {
      return;
    }
    for (long b = Math.floorDiv(from, width); b * width < end; b++) {
      long lo = Math.max(from, b * width);
      long hi = Math.min(end, (b + 1) * width);
      double share = (double) (hi - lo) / duration;
      int slot = (int) Math.floorMod(b, (long) slots);
      if (bucket[slot] != b) {
        if (bucket[slot] > b) {
          continue; // cannot happen within the horizon: a newer bucket never shares a slot with b
        }
        reset(slot, b, lo);
      }
      requests[slot] += windowRequests * share;
      errors[slot] += windowErrors * share;
      coveredSum[slot] += hi - lo;
      hullFrom[slot] = Math.min(hullFrom[slot], lo);
      hullTo[slot] = Math.max(hullTo[slot], hi);
    }
  }

  /** The window {@code [now − span, now)} as a burn rate against {@code budget}. */
  BurnRate read(long now, double budget) {
    long lo = now - span;
    long first = Math.floorDiv(lo, width);
    long last = Math.floorDiv(now - 1, width);
    double r = 0;
    double e = 0;
    double covered = 0;
    for (long b = first; b <= last; b++) {
      int slot = (int) Math.floorMod(b, (long) slots);
      if (bucket[slot] != b) {
        continue;
      }
      double part = b == first ? (double) ((b + 1) * width - lo) / width : 1.0;
      r += requests[slot] * part;
      e += errors[slot] * part;
      covered += Math.min(coveredSum[slot], hullTo[slot] - hullFrom[slot]) * part;
    }
    return BurnRate.of(window, r, e, covered / span, budget);
  }

  private void reset(int slot, long b, long lo) {
    bucket[slot] = b;
    requests[slot] = 0;
    errors[slot] = 0;
    coveredSum[slot] = 0;
    hullFrom[slot] = lo;
    hullTo[slot] = lo;
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }
}
