package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The transactional outbox. A row is written with the decision that caused it and carried out after
 * commit by a relay. Rows are small state machines: PENDING (with attempts, next attempt time and
 * last error) → DONE, or BLOCKED when a human must look. The id is the idempotency key: a row whose
 * id exists already is not written twice.
 */
public final class OutboxRepository {

  /**
   * Per kind, what runs after a transaction that added rows of that kind commits: the relay's
   * wake-up, so that a command or event waits for no polling interval.
   */
  private final Map<Kind, List<Runnable>> committed = new ConcurrentHashMap<>();

  /** What a row asks for. */
  public enum Kind {
    /** Publish a CloudEvent to a topic. */
    EVENT,
    /** Carry out a command on the cluster. */
    ACTUATION,
    /** Publish a record to the dead-letter topic. */
    DEAD_LETTER;

    String column() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Kind ofColumn(String column) {
      return valueOf(column.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  /** One outbox row. {@code payload} is JSON text. */
  public record Entry(
      long seq,
      String id,
      Kind kind,
      String type,
      String experimentId,
      String topic,
      String key,
      String payload,
      String status,
      int attempts,
      Instant nextAttemptAt,
      String lastError,
      Instant createdAt) {}

  private static final String COLUMNS =
      "seq, id, kind, type, experiment_id, topic, message_key, "
          + "payload::text AS payload, status, attempts, next_attempt_at, last_error, created_at";

  private static Entry entry(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Entry(
        rs.getLong("seq"),
        rs.getString("id"),
        Kind.ofColumn(rs.getString("kind")),
        rs.getString("type"),
        rs.getString("experiment_id"),
        rs.getString("topic"),
        rs.getString("message_key"),
        rs.getString("payload"),
        rs.getString("status"),
        rs.getInt("attempts"),
        instant(rs, "next_attempt_at"),
        rs.getString("last_error"),
        instant(rs, "created_at"));
  }

  /**
   * Runs {@code listener} after every transaction that added rows of {@code kind} commits, once per
   * transaction. Rolled-back rows wake nobody.
   */
  public void onCommitted(Kind kind, Runnable listener) {
    committed.computeIfAbsent(kind, k -> new CopyOnWriteArrayList<>()).add(listener);
  }

  /** Adds a row unless one with the same id exists. */
  public void add(Tx h, OutboxMessage message, Instant now) {
    OutboxMessage.Row row = message.row();
    h.createUpdate(
            "INSERT INTO outbox (id, kind, type, experiment_id, topic, message_key, payload, "
                + "next_attempt_at, created_at) VALUES (:id, :kind, :type, :experimentId, :topic, :key, "
                + ":payload::jsonb, :now, :now) ON CONFLICT (id) DO NOTHING")
        .bind("id", row.id())
        .bind("kind", row.kind().column())
        .bind("type", row.type())
        .bind("experimentId", row.experimentId())
        .bind("topic", row.topic())
        .bind("key", row.key())
        .bind("payload", row.payloadJson())
        .bind("now", ts(now))
        .execute();
    wakeOnCommit(h, row.kind());
  }

  /**
   * Registers {@code kind}'s listeners to run once {@code h}'s transaction commits: once per
   * transaction, however many rows of the kind it adds (a batch that decides for 2 000 experiments
   * adds as many outbox rows).
   */
  private void wakeOnCommit(Tx h, Kind kind) {
    List<Runnable> listeners = committed.get(kind);
    if (listeners == null || listeners.isEmpty()) {
      return;
    }
    if (h.markOnce(this, kind)) {
      listeners.forEach(h::afterCommit);
    }
  }

  /**
   * Claims up to {@code limit} due PENDING rows of {@code kind}, oldest first, locking them so that
   * other relay threads or replicas skip them ({@code FOR UPDATE SKIP LOCKED}) until the caller's
   * transaction ends.
   */
  public List<Entry> claimDue(Tx h, Kind kind, Instant now, int limit) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM outbox "
                + "WHERE status = 'PENDING' AND kind = :kind AND next_attempt_at <= :now "
                + "ORDER BY seq LIMIT :limit FOR UPDATE SKIP LOCKED")
        .bind("kind", kind.column())
        .bind("now", ts(now))
        .bind("limit", limit)
        .map(OutboxRepository::entry)
        .list();
  }

  /**
   * Claims up to {@code limit} due actuation commands for the caller to carry out, and leases them
   * until {@code leaseUntil}: another relay (thread or replica) skips them while they are locked
   * and, once this transaction commits, until the lease runs out. A relay that dies mid-call leaves
   * its command to be retried after the lease, which the command id makes harmless. Only the oldest
   * pending command of each service is due (a leased one included), so one service's commands reach
   * the cluster in the order they were decided, one at a time.
   *
   * <p>The oldest of each service are found in one sort of the pending commands (by service, then
   * order), not by a look for an older one per candidate, which a planner misled by a table's
   * statistics (a burst just written) runs as a nested loop: thousands of pending commands cost a
   * few milliseconds per call, not a second. Four times {@code limit} candidates are taken, in case
   * another relay has just locked some of them.
   */
  public List<Entry> leaseDueActuations(Tx h, Instant now, Instant leaseUntil, int limit) {
    List<Entry> due =
        h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM outbox "
                    + "WHERE seq = ANY(ARRAY(SELECT seq FROM (SELECT seq, next_attempt_at, "
                    + "row_number() OVER (PARTITION BY message_key ORDER BY seq) AS place FROM outbox "
                    + "WHERE kind = 'actuation' AND status = 'PENDING') pending "
                    + "WHERE place = 1 AND next_attempt_at <= :now ORDER BY seq LIMIT :candidates)) "
                    + "AND status = 'PENDING' AND kind = 'actuation' AND next_attempt_at <= :now "
                    + "ORDER BY seq LIMIT :limit FOR UPDATE SKIP LOCKED")
            .bind("candidates", limit * 4)
            .bind("now", ts(now))
            .bind("limit", limit)
            .map(OutboxRepository::entry)
            .list();
    if (!due.isEmpty()) {
      h.createUpdate(
              "UPDATE outbox SET next_attempt_at = :lease, version = version + 1 WHERE id IN (<ids>)")
          .bind("lease", ts(leaseUntil))
          .bindList("ids", due.stream().map(Entry::id).toList())
          .execute();
    }
    return due;
  }

  /**
   * Extends the caller's lease on command {@code id} from {@code heldUntil} to {@code until}; false
   * when the row no longer carries that lease (another relay took the command over once it ran out,
   * or it was settled).
   */
  public boolean renewLease(Tx h, String id, Instant heldUntil, Instant until) {
    return h.createUpdate(
                "UPDATE outbox SET next_attempt_at = :until, version = version + 1 "
                    + "WHERE id = :id AND status = 'PENDING' AND next_attempt_at = :held")
            .bind("until", ts(until))
            .bind("id", id)
            .bind("held", ts(heldUntil))
            .execute()
        == 1;
  }

  /**
   * Locks a leased command and tells whether the caller's lease still holds: the row is PENDING and
   * its next attempt is the caller's lease time (another relay that took it over after the lease
   * ran out has moved it on).
   */
  public boolean holdsLease(Tx h, String id, Instant leaseUntil) {
    return h.createQuery(
            "SELECT id FROM outbox WHERE id = :id AND status = 'PENDING' "
                + "AND next_attempt_at = :lease FOR UPDATE")
        .bind("id", id)
        .bind("lease", ts(leaseUntil))
        .mapTo(String.class)
        .findOne()
        .isPresent();
  }

  /**
   * Ends a command that cannot succeed as it stands; it is kept, with its reason, for the record.
   */
  public void markRejected(Tx h, String id, String reason, Instant now) {
    h.createUpdate(
            "UPDATE outbox SET status = 'BLOCKED', last_error = :error, attempts = attempts + 1, "
                + "done_at = :now, version = version + 1 WHERE id = :id")
        .bind("error", reason)
        .bind("now", ts(now))
        .bind("id", id)
        .execute();
  }

  /** 1 when a row with {@code id} exists, else 0. */
  public int countById(Tx h, String id) {
    return h.createQuery("SELECT count(*) FROM outbox WHERE id = :id")
        .bind("id", id)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * How many actuation commands on each of {@code services} (experiments' and production's) are
   * still waiting, for those that have any: one grouped statement for a page of services.
   */
  public Map<ExperimentRepository.ServiceRef, Integer> pendingActuationsOfServices(
      Tx h, Collection<ExperimentRepository.ServiceRef> services) {
    if (services.isEmpty()) {
      return Map.of();
    }
    Map<ExperimentRepository.ServiceRef, Integer> pending = new HashMap<>();
    h.createQuery(
            "SELECT payload->>'namespace' AS namespace, message_key AS service, count(*) AS n"
                + " FROM outbox WHERE message_key IN (<services>) AND kind = 'actuation'"
                + " AND status = 'PENDING' GROUP BY 1, 2")
        .bindList(
            "services",
            services.stream().map(ExperimentRepository.ServiceRef::service).distinct().toList())
        .map(
            (rs, ctx) ->
                Map.entry(
                    new ExperimentRepository.ServiceRef(
                        rs.getString("namespace"), rs.getString("service")),
                    rs.getInt("n")))
        .forEach(e -> pending.put(e.getKey(), e.getValue()));
    pending.keySet().retainAll(Set.copyOf(services));
    return pending;
  }

  /** How many actuation commands of {@code experimentId} are still waiting to be carried out. */
  public int pendingActuations(Tx h, String experimentId) {
    return h.createQuery(
            "SELECT count(*) FROM outbox WHERE experiment_id = :id AND kind = 'actuation' "
                + "AND status = 'PENDING'")
        .bind("id", experimentId)
        .mapTo(Integer.class)
        .one();
  }

  /**
   * How many actuation commands each of {@code experimentIds} still has waiting; experiments with
   * none are absent.
   */
  public Map<String, Integer> pendingActuationsByExperiment(
      Tx h, Collection<String> experimentIds) {
    if (experimentIds.isEmpty()) {
      return Map.of();
    }
    Map<String, Integer> pending = new HashMap<>();
    h.createQuery(
            "SELECT experiment_id, count(*) AS n FROM outbox "
                + "WHERE kind = 'actuation' AND status = 'PENDING' AND experiment_id IN (<ids>) GROUP BY experiment_id")
        .bindList("ids", List.copyOf(experimentIds))
        .map((rs, ctx) -> Map.entry(rs.getString("experiment_id"), rs.getInt("n")))
        .forEach(e -> pending.put(e.getKey(), e.getValue()));
    return pending;
  }

  public void markDone(Tx h, List<String> ids, Instant now) {
    if (ids.isEmpty()) {
      return;
    }
    h.createUpdate(
            "UPDATE outbox SET status = 'DONE', done_at = :now, attempts = attempts + 1, "
                + "version = version + 1 WHERE id IN (<ids>)")
        .bindList("ids", ids)
        .bind("now", ts(now))
        .execute();
  }

  public void markFailed(Tx h, String id, String error, Instant nextAttemptAt) {
    h.createUpdate(
            "UPDATE outbox SET attempts = attempts + 1, last_error = :error, "
                + "next_attempt_at = :next, version = version + 1 WHERE id = :id")
        .bind("error", error)
        .bind("next", ts(nextAttemptAt))
        .bind("id", id)
        .execute();
  }

  /**
   * The commands of one experiment, oldest first (what Aegis asked the cluster to do, and its
   * state).
   */
  public List<Entry> ofExperiment(Tx h, String experimentId) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM outbox "
                + "WHERE experiment_id = :id AND kind = 'actuation' ORDER BY seq")
        .bind("id", experimentId)
        .map(OutboxRepository::entry)
        .list();
  }
}
