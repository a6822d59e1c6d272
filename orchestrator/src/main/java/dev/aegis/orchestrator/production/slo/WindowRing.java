package dev.aegis.orchestrator.production.slo;

import java.time.Duration;

/**
 * The requests, errors and coverage of one sliding window, kept as a ring of equal time buckets
 * aligned on the epoch. A health window is spread over the buckets it overlaps in proportion to the
 * overlap (traffic is assumed even within a health window). Reading the window {@code [now − span,
 * now)} sums its buckets and takes the oldest one pro rata when {@code now} is not on a bucket
 * boundary, so the error is at most the unevenness of traffic within one bucket.
 *
 * <p>Coverage of a bucket is the smaller of the summed durations of the health windows in it and
 * the hull (first start to last end) of those windows: exact when windows overlap without gaps (the
 * sum overstates) and when they leave gaps without overlapping (the hull overstates); it can only
 * overstate when a bucket has both.
 *
 * <p><b>Memory.</b> The ring holds the buckets from {@code low} to {@code head}, the newest bucket
 * written, in primitive arrays: two doubles (requests, errors) and three ints (covered time, capped
 * at the bucket width, which cannot change a reading since the hull never exceeds it; the hull's
 * start and end as offsets within the bucket) per bucket, 28 bytes. The arrays grow with that
 * range, up to {@code ceil(span ÷ width) + 1} buckets, so a track that has reported one health
 * window holds the few buckets that window touched, and a track that reports for longer than the
 * span holds the full ring, whatever the traffic. A bucket that falls out of reach of the window is
 * dropped when the head moves past it; nothing has to be evicted. Not thread-safe.
 */
final class WindowRing {

  /** The largest bucket width the int offsets can hold, in milliseconds (about 24.8 days). */
  static final long MAX_WIDTH = Integer.MAX_VALUE;

  /** Bytes held per bucket: requests and errors (double), covered, hull start and end (int). */
  static final int BYTES_PER_BUCKET = 2 * Double.BYTES + 3 * Integer.BYTES;

  private static final double[] NO_COUNTS = new double[0];
  private static final int[] NO_COVER = new int[0];

  private final Duration window;
  private final long span;
  private final int width;
  private final int slots;

  /** Oldest and newest bucket held; {@code low > head} while the ring is empty. */
  private long low = 1;

  private long head = 0;

  /** Per bucket {@code b}, at {@code floorMod(b, capacity)}: requests, errors. */
  private double[] counts = NO_COUNTS;

  /** Per bucket: covered ms (at most the width), hull start and end offsets (end 0: no hull). */
  private int[] cover = NO_COVER;

  WindowRing(Duration window, int buckets) {
    this.window = window;
    this.span = window.toMillis();
    long w = Math.max(1, ceilDiv(span, buckets));
    if (w > MAX_WIDTH) {
      throw new IllegalArgumentException(
          "a bucket of " + window + " ÷ " + buckets + " is wider than " + MAX_WIDTH + " ms");
    }
    this.width = (int) w;
    this.slots = (int) ceilDiv(span, width) + 1;
  }

  Duration window() {
    return window;
  }

  /** Bucket width in milliseconds. */
  long width() {
    return width;
  }

  /** The most buckets the ring can hold: {@code ceil(span ÷ width) + 1}. */
  int slots() {
    return slots;
  }

  /** Buckets the arrays have room for now, at most {@link #slots()}. */
  int capacity() {
    return counts.length / 2;
  }

  /** Bytes of bucket data held now: {@link #capacity()} × {@link #BYTES_PER_BUCKET}. */
  long bucketBytes() {
    return (long) capacity() * BYTES_PER_BUCKET;
  }

  /** {@link #add(long, long, long, long, long, UndoLog, int)} without an undo log. */
  void add(long start, long end, long windowRequests, long windowErrors, long now) {
    add(start, end, windowRequests, windowErrors, now, null, 0);
  }

  /**
   * Adds a health window {@code [start, end)} (epoch ms, {@code end > start}). Only its part within
   * reach of the window ending at {@code now} (the watermark, {@code >= end}) is kept; older data
   * could never be read again.
   *
   * @param undo where to log what this changes, or null
   * @param ring this ring's index in {@code undo}'s tracker
   */
  void add(
      long start,
      long end,
      long windowRequests,
      long windowErrors,
      long now,
      UndoLog undo,
      int ring) {
    long duration = end - start;
    long horizonBucket = Math.floorDiv(now - span, width);
    long from = Math.max(start, horizonBucket * width);
    if (from >= end) {
      return;
    }
    long first = Math.floorDiv(from, width);
    long last = Math.floorDiv(end - 1, width);
    if (undo != null && undo.firstTouch(ring)) {
      long oldLow = low;
      long oldHead = head;
      double[] oldCounts = counts;
      int[] oldCover = cover;
      undo.onUndo(
          () -> {
            low = oldLow;
            head = oldHead;
            counts = oldCounts;
            cover = oldCover;
          });
    }
    hold(first, last, horizonBucket, undo, ring);
    for (long b = first; b <= last; b++) {
      long bucketStart = b * width;
      long lo = Math.max(from, bucketStart);
      long hi = Math.min(end, bucketStart + width);
      double share = (double) (hi - lo) / duration;
      int slot = slot(b);
      if (undo != null) {
        save(slot, undo, ring);
      }
      counts[2 * slot] += windowRequests * share;
      counts[2 * slot + 1] += windowErrors * share;
      int c = 3 * slot;
      int loOffset = (int) (lo - bucketStart);
      int hiOffset = (int) (hi - bucketStart);
      cover[c] = (int) Math.min(width, (long) cover[c] + (hi - lo));
      if (cover[c + 2] == 0) {
        cover[c + 1] = loOffset;
        cover[c + 2] = hiOffset;
      } else {
        cover[c + 1] = Math.min(cover[c + 1], loOffset);
        cover[c + 2] = Math.max(cover[c + 2], hiOffset);
      }
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
    for (long b = Math.max(first, low); b <= Math.min(last, head); b++) {
      int slot = slot(b);
      int c = 3 * slot;
      double part = b == first ? (double) ((b + 1) * width - lo) / width : 1.0;
      r += counts[2 * slot] * part;
      e += counts[2 * slot + 1] * part;
      covered += Math.min(cover[c], cover[c + 2] - cover[c + 1]) * part;
    }
    return BurnRate.of(window, r, e, covered / span, budget);
  }

  /**
   * Makes the ring hold buckets {@code first..last}: forgets buckets before {@code horizonBucket},
   * which no reading can reach any more, grows the arrays if the range needs it, and clears the
   * slots that newly enter the range.
   */
  private void hold(long first, long last, long horizonBucket, UndoLog undo, int ring) {
    if (low > head) {
      ensureCapacity(last - first + 1);
      low = first;
      head = last;
      return;
    }
    long newLow = Math.min(Math.max(low, horizonBucket), first);
    long newHead = Math.max(head, last);
    ensureCapacity(newHead - newLow + 1);
    int capacity = capacity();
    // A bucket newly in range may share its slot with one dropped before: clear it. (Going back,
    // to a late window older than any bucket held, the head's moves have cleared them already;
    // clearing again keeps the invariant local.)
    for (long b = head + 1; b <= newHead && b <= head + capacity; b++) {
      clear(slot(b), undo, ring);
    }
    for (long b = newLow; b < low && b < newLow + capacity; b++) {
      clear(slot(b), undo, ring);
    }
    low = newLow;
    head = newHead;
  }

  /** Grows the arrays to hold {@code range} buckets (at least half again, at most the ring). */
  private void ensureCapacity(long range) {
    int old = capacity();
    if (range <= old) {
      return;
    }
    int grown = (int) Math.min(slots, Math.max(range, old + (old >> 1)));
    double[] newCounts = new double[2 * grown];
    int[] newCover = new int[3 * grown];
    if (low <= head) {
      // Keep the buckets still in range; those before the horizon are dropped by the caller.
      for (long b = Math.max(low, head - old + 1); b <= head; b++) {
        int from = (int) Math.floorMod(b, (long) old);
        int to = (int) Math.floorMod(b, (long) grown);
        newCounts[2 * to] = counts[2 * from];
        newCounts[2 * to + 1] = counts[2 * from + 1];
        System.arraycopy(cover, 3 * from, newCover, 3 * to, 3);
      }
    }
    counts = newCounts;
    cover = newCover;
  }

  private int slot(long bucket) {
    return (int) Math.floorMod(bucket, (long) capacity());
  }

  private void clear(int slot, UndoLog undo, int ring) {
    if (undo != null) {
      save(slot, undo, ring);
    }
    counts[2 * slot] = 0;
    counts[2 * slot + 1] = 0;
    cover[3 * slot] = 0;
    cover[3 * slot + 1] = 0;
    cover[3 * slot + 2] = 0;
  }

  /**
   * Logs the bucket at {@code slot} as it is now ({@link UndoLog#SAVES_PER_RING} elements), unless
   * the log saved it last.
   */
  private void save(int slot, UndoLog undo, int ring) {
    if (undo.savedLast(ring, slot)) {
      return;
    }
    undo.save(counts, 2 * slot);
    undo.save(counts, 2 * slot + 1);
    undo.save(cover, 3 * slot);
    undo.save(cover, 3 * slot + 1);
    undo.save(cover, 3 * slot + 2);
  }

  private static long ceilDiv(long x, long y) {
    return -Math.floorDiv(-x, y);
  }
}
