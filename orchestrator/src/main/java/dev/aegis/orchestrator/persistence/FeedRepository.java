package dev.aegis.orchestrator.persistence;

import java.util.List;

/** Where a reader starts following one of the append-only tables by id. */
public final class FeedRepository {

  /** The append-only tables a reader can follow by id. */
  public enum Table {
    TRANSITIONS("transitions"),
    DEAD_LETTERS("dead_letters"),
    AUDIT("audit_log");

    private final String sql;

    Table(String sql) {
      this.sql = sql;
    }
  }

  /**
   * Where to start following a table: ids above {@code from}, of which {@code recentIds} exist
   * already.
   */
  public record Head(long from, List<Long> recentIds) {}

  /**
   * The last {@code window} ids of {@code table} (at most), and the ids present among them, in
   * order.
   */
  public Head head(Tx h, Table table, int window) {
    long max =
        h.createQuery("SELECT coalesce(max(id), 0) FROM " + table.sql).mapTo(Long.class).one();
    long from = Math.max(0, max - window);
    List<Long> recent =
        h.createQuery("SELECT id FROM " + table.sql + " WHERE id > :from ORDER BY id")
            .bind("from", from)
            .mapTo(Long.class)
            .list();
    return new Head(from, recent);
  }
}
