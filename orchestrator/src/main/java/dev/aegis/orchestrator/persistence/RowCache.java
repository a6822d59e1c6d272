package dev.aegis.orchestrator.persistence;

import java.util.LinkedHashMap;
import java.util.function.UnaryOperator;

/**
 * Experiment rows this replica has read or written, decoded, keyed by id and valid only under the
 * write token the row carried (every write of an experiment row sets a fresh random token). A batch
 * that locks its experiments reads their tokens, and decodes from the table only the rows whose
 * token it has not cached: another replica's write, or a write of this one that rolled back, leaves
 * a token this cache does not hold. Least recently used first out, bounded by a number of rows.
 */
final class RowCache<V> {

  private record Entry<V>(long token, V value) {}

  private final int capacity;
  private final LinkedHashMap<String, Entry<V>> entries;

  RowCache(int capacity) {
    this.capacity = capacity;
    this.entries = new LinkedHashMap<>(Math.min(capacity, 1024), 0.75f, true);
  }

  /** The row cached for {@code id} under {@code token}, or null. Token 0 is never cached. */
  synchronized V get(String id, long token) {
    Entry<V> e = entries.get(id);
    return e != null && e.token() == token && token != 0 ? e.value() : null;
  }

  /** Caches {@code value} as the row {@code id} holds under {@code token}. */
  synchronized void put(String id, long token, V value) {
    if (capacity <= 0 || token == 0) {
      return;
    }
    entries.put(id, new Entry<>(token, value));
    var it = entries.values().iterator();
    while (entries.size() > capacity && it.hasNext()) {
      it.next();
      it.remove();
    }
  }

  /**
   * After a write of row {@code id} under {@code token}: the cached value, whatever its token,
   * changed by {@code change}. Nothing when the row is not cached (the next read decodes it).
   */
  synchronized void rewrite(String id, long token, UnaryOperator<V> change) {
    if (token != 0) {
      // One lookup, not a get and a put.
      entries.computeIfPresent(id, (k, e) -> new Entry<>(token, change.apply(e.value())));
    }
  }

  synchronized int size() {
    return entries.size();
  }
}
