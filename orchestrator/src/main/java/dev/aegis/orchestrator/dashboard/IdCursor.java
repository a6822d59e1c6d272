package dev.aegis.orchestrator.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.TreeSet;

/**
 * Follows an append-only table by its {@code bigserial} id without missing rows that commit out of
 * order. A sequence hands out ids at insert, not at commit, so id 11 can become visible before id
 * 10. The cursor keeps a watermark below which every id is settled, and the ids above it already
 * admitted; the next read is {@code id > after()}. A gap that stays open for {@code gapTimeout} is
 * an insert that rolled back (sequence values are never reused), and is skipped.
 *
 * <p>Not thread-safe: the dashboard's ticker thread owns every cursor.
 */
final class IdCursor {

  private final Duration gapTimeout;
  private final TreeSet<Long> admitted = new TreeSet<>();
  private long watermark;
  private Instant gapSince;

  IdCursor(long watermark, Duration gapTimeout) {
    this.watermark = watermark;
    this.gapTimeout = gapTimeout;
  }

  /** Rows to read next have an id above this. */
  long after() {
    return watermark;
  }

  /** True exactly once per id above the watermark: the row is new and should be broadcast. */
  boolean admit(long id) {
    return id > watermark && admitted.add(id);
  }

  /**
   * Starts over at {@code watermark}, treating {@code known} (ids above it) as admitted already.
   */
  void reset(long watermark, Collection<Long> known) {
    this.watermark = watermark;
    admitted.clear();
    gapSince = null;
    known.forEach(this::admit);
    compact();
  }

  /**
   * Moves the watermark over contiguous admitted ids, and past a gap that has been open too long.
   */
  void advance(Instant now) {
    long before = watermark;
    compact();
    if (admitted.isEmpty()) {
      gapSince = null;
      return;
    }
    if (gapSince == null || watermark != before) {
      gapSince = now;
    } else if (!now.isBefore(gapSince.plus(gapTimeout))) {
      watermark = admitted.first() - 1;
      compact();
      gapSince = admitted.isEmpty() ? null : now;
    }
  }

  private void compact() {
    while (!admitted.isEmpty() && admitted.first() == watermark + 1) {
      watermark = admitted.pollFirst();
    }
  }
}
