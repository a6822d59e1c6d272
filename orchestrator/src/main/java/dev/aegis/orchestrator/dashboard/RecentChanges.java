package dev.aegis.orchestrator.dashboard;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Remembers the last version broadcast of rows the ticker reads by time ({@code updated_at >= since
 * - overlap}), so that re-reading the overlap broadcasts a row again only when it really changed.
 * Entries older than what the next read can return are pruned, so memory stays bounded by the
 * overlap.
 *
 * <p>Not thread-safe: the dashboard's ticker thread owns it.
 */
final class RecentChanges {

  private record Seen(Object stamp, Instant at) {}

  private final Map<String, Seen> seen = new HashMap<>();

  /** Whether {@code key} at {@code stamp} was not broadcast before; remembers it. */
  boolean changed(String key, Object stamp, Instant at) {
    Seen before = seen.put(key, new Seen(stamp, at));
    return before == null || !Objects.equals(before.stamp(), stamp);
  }

  /**
   * Forgets rows last stamped before {@code cutoff}: a read starting after it cannot return them.
   */
  void prune(Instant cutoff) {
    seen.values().removeIf(s -> s.at().isBefore(cutoff));
  }

  void clear() {
    seen.clear();
  }
}
