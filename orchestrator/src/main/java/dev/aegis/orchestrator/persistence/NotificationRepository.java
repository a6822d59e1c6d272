package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Notifications to deliver (ADR-011): one row per event and channel, written in the transaction of
 * the decision that caused it and delivered after commit by the notification relay. Rows are small
 * state machines: PENDING (attempts, next attempt time, last error) → DELIVERED, or FAILED after
 * the last attempt. The id is the idempotency key sent with every attempt; a second insert of an id
 * changes nothing.
 */
public final class NotificationRepository {

  /** A row to insert. {@code payloadJson} is the rendered notification. */
  public record NewRow(
      String id,
      String channel,
      String kind,
      String severity,
      String namespace,
      String service,
      String experimentId,
      String title,
      String payloadJson) {}

  /** One stored row. */
  public record Entry(
      long seq,
      String id,
      String channel,
      String kind,
      String severity,
      String namespace,
      String service,
      String experimentId,
      String title,
      String payload,
      String status,
      int attempts,
      Instant nextAttemptAt,
      String lastError,
      String digestId,
      Instant createdAt,
      Instant deliveredAt) {}

  /** Which rows to list; null members match everything. */
  public record Filter(String experimentId, String channel, String status, String kind) {}

  /** The routing rules last set over the API. */
  public record StoredRoutes(String routesJson, String updatedBy, Instant updatedAt, int version) {}

  private static final String COLUMNS =
      "seq, id, channel, kind, severity, namespace, service, experiment_id, title, "
          + "payload::text AS payload, status, attempts, next_attempt_at, last_error, digest_id, "
          + "created_at, delivered_at";

  private static Entry entry(ResultSet rs, StatementContext ctx) throws SQLException {
    return new Entry(
        rs.getLong("seq"),
        rs.getString("id"),
        rs.getString("channel"),
        rs.getString("kind"),
        rs.getString("severity"),
        rs.getString("namespace"),
        rs.getString("service"),
        rs.getString("experiment_id"),
        rs.getString("title"),
        rs.getString("payload"),
        rs.getString("status"),
        rs.getInt("attempts"),
        instant(rs, "next_attempt_at"),
        rs.getString("last_error"),
        rs.getString("digest_id"),
        instant(rs, "created_at"),
        instant(rs, "delivered_at"));
  }

  /**
   * Adds a row unless one with the same id exists; returns whether it was added. A row of a channel
   * that groups bursts ({@code groupWait} positive) joins the channel's open group: it is due when
   * the oldest not yet attempted row of the channel is, or {@code groupWait} from now when there is
   * none. With a zero {@code groupWait} it is due at once.
   */
  public boolean add(Tx h, NewRow row, Duration groupWait, Instant now) {
    Instant fallback = now.plus(groupWait);
    return h.createUpdate(
                "INSERT INTO notifications (id, channel, kind, severity, namespace, service, "
                    + "experiment_id, title, payload, next_attempt_at, created_at) VALUES (:id, :channel, "
                    + ":kind, :severity, :namespace, :service, :experimentId, :title, :payload::jsonb, "
                    + "CASE WHEN :grouped THEN COALESCE((SELECT min(next_attempt_at) FROM notifications "
                    + "WHERE channel = :channel AND status = 'PENDING' AND attempts = 0 "
                    + "AND kind <> 'test' AND next_attempt_at > :now), :fallback) ELSE :now END, :now) "
                    + "ON CONFLICT (id) DO NOTHING")
            .bind("id", row.id())
            .bind("channel", row.channel())
            .bind("kind", row.kind())
            .bind("severity", row.severity())
            .bind("namespace", row.namespace())
            .bind("service", row.service())
            .bind("experimentId", row.experimentId())
            .bind("title", row.title())
            .bind("payload", row.payloadJson())
            .bind("grouped", !groupWait.isZero())
            .bind("now", ts(now))
            .bind("fallback", ts(fallback))
            .execute()
        == 1;
  }

  /**
   * Claims up to {@code limit} due PENDING rows of {@code channel}, oldest first, and leases them
   * until {@code leaseUntil}: other relays (threads or replicas) skip them while they are locked
   * and, after this transaction commits, until the lease runs out. A relay that dies mid-delivery
   * leaves its rows to be retried after the lease, with the same idempotency key.
   */
  public List<Entry> leaseDue(Tx h, String channel, Instant now, Instant leaseUntil, int limit) {
    List<Entry> due =
        h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM notifications WHERE status = 'PENDING' AND channel = :channel "
                    + "AND next_attempt_at <= :now ORDER BY seq LIMIT :limit FOR UPDATE SKIP LOCKED")
            .bind("channel", channel)
            .bind("now", ts(now))
            .bind("limit", limit)
            .map(NotificationRepository::entry)
            .list();
    if (!due.isEmpty()) {
      h.createUpdate(
              "UPDATE notifications SET next_attempt_at = :lease, version = version + 1 "
                  + "WHERE id IN (<ids>)")
          .bind("lease", ts(leaseUntil))
          .bindList("ids", ids(due))
          .execute();
    }
    return due;
  }

  /** Ties rows to one digest, so a retry delivers the same members under the same key. */
  public void assignDigest(Tx h, List<String> ids, String digestId) {
    h.createUpdate("UPDATE notifications SET digest_id = :digest WHERE id IN (<ids>)")
        .bind("digest", digestId)
        .bindList("ids", ids)
        .execute();
  }

  /** Marks leased rows delivered; rows whose lease another relay took over are left alone. */
  public int markDelivered(Tx h, List<String> ids, Instant leaseUntil, Instant now) {
    return h.createUpdate(
            "UPDATE notifications SET status = 'DELIVERED', delivered_at = :now, "
                + "attempts = attempts + 1, last_error = NULL, version = version + 1 "
                + "WHERE id IN (<ids>) AND status = 'PENDING' AND next_attempt_at = :lease")
        .bindList("ids", ids)
        .bind("lease", ts(leaseUntil))
        .bind("now", ts(now))
        .execute();
  }

  /**
   * Records a failed attempt of leased rows: they are retried at {@code nextAttemptAt}, or end
   * FAILED when {@code nextAttemptAt} is null.
   */
  public int markAttemptFailed(
      Tx h, List<String> ids, Instant leaseUntil, String error, Instant nextAttemptAt) {
    return h.createUpdate(
            "UPDATE notifications SET attempts = attempts + 1, last_error = :error, "
                + "status = CASE WHEN :next::timestamptz IS NULL THEN 'FAILED' ELSE 'PENDING' END, "
                + "next_attempt_at = COALESCE(:next::timestamptz, next_attempt_at), version = version + 1 "
                + "WHERE id IN (<ids>) AND status = 'PENDING' AND next_attempt_at = :lease")
        .bindList("ids", ids)
        .bind("lease", ts(leaseUntil))
        .bind("error", error)
        .bind("next", ts(nextAttemptAt))
        .execute();
  }

  /**
   * Gives leased rows back without counting an attempt (their channel's circuit is open, or the
   * relay is stopping): they are due again at {@code nextAttemptAt}.
   */
  public void release(Tx h, List<String> ids, Instant leaseUntil, Instant nextAttemptAt) {
    h.createUpdate(
            "UPDATE notifications SET next_attempt_at = :next, version = version + 1 "
                + "WHERE id IN (<ids>) AND status = 'PENDING' AND next_attempt_at = :lease")
        .bindList("ids", ids)
        .bind("lease", ts(leaseUntil))
        .bind("next", ts(nextAttemptAt))
        .execute();
  }

  /** Matching rows, newest first. */
  public List<Entry> list(Tx h, Filter filter, NamespaceScope scope, int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + " FROM notifications WHERE " + scope.condition("namespace"));
    if (filter.experimentId() != null) {
      sql.append(" AND experiment_id = :experimentId");
    }
    if (filter.channel() != null) {
      sql.append(" AND channel = :channel");
    }
    if (filter.kind() != null) {
      sql.append(" AND kind = :kind");
    }
    if (filter.status() != null) {
      sql.append(
          switch (filter.status()) {
            case "retrying" -> " AND status = 'PENDING' AND attempts > 0";
            case "pending" -> " AND status = 'PENDING' AND attempts = 0";
            case "delivered" -> " AND status = 'DELIVERED'";
            default -> " AND status = 'FAILED'";
          });
    }
    sql.append(" ORDER BY seq DESC LIMIT :limit");
    var query = scope.bind(h.createQuery(sql.toString()).bind("limit", limit));
    if (filter.experimentId() != null) {
      query.bind("experimentId", filter.experimentId());
    }
    if (filter.channel() != null) {
      query.bind("channel", filter.channel());
    }
    if (filter.kind() != null) {
      query.bind("kind", filter.kind());
    }
    return query.map(NotificationRepository::entry).list();
  }

  public Optional<Entry> find(Tx h, String id) {
    return h.createQuery("SELECT " + COLUMNS + " FROM notifications WHERE id = :id")
        .bind("id", id)
        .map(NotificationRepository::entry)
        .findOne();
  }

  /** The rules last set over the API, if any. */
  public Optional<StoredRoutes> routes(Tx h) {
    return h.createQuery(
            "SELECT routes::text AS routes, updated_by, updated_at, version "
                + "FROM notification_routes WHERE id = 1")
        .map(
            (rs, ctx) ->
                new StoredRoutes(
                    rs.getString("routes"),
                    rs.getString("updated_by"),
                    instant(rs, "updated_at"),
                    rs.getInt("version")))
        .findOne();
  }

  /** Replaces the rules set over the API. */
  public void saveRoutes(Tx h, String routesJson, String actor, Instant now) {
    h.createUpdate(
            "INSERT INTO notification_routes (id, routes, updated_by, updated_at) "
                + "VALUES (1, :routes::jsonb, :actor, :now) ON CONFLICT (id) DO UPDATE SET "
                + "routes = EXCLUDED.routes, updated_by = EXCLUDED.updated_by, "
                + "updated_at = EXCLUDED.updated_at, version = notification_routes.version + 1")
        .bind("routes", routesJson)
        .bind("actor", actor)
        .bind("now", ts(now))
        .execute();
  }

  /** How many dead letters were recorded at or after {@code since}. */
  public int deadLettersSince(Tx h, Instant since) {
    return h.createQuery("SELECT count(*) FROM dead_letters WHERE recorded_at >= :since")
        .bind("since", ts(since))
        .mapTo(Integer.class)
        .one();
  }

  /**
   * Records that the DLQ growth alert of the window starting at {@code windowStart} was raised;
   * false when it was already (by this or another replica).
   */
  public boolean markDlqWindow(Tx h, Instant windowStart, int deadLetters, Instant now) {
    return h.createUpdate(
                "INSERT INTO notification_dlq_marks (window_start, dead_letters, raised_at) "
                    + "VALUES (:start, :count, :now) ON CONFLICT (window_start) DO NOTHING")
            .bind("start", ts(windowStart))
            .bind("count", deadLetters)
            .bind("now", ts(now))
            .execute()
        == 1;
  }

  private static List<String> ids(List<Entry> entries) {
    List<String> ids = new ArrayList<>(entries.size());
    entries.forEach(e -> ids.add(e.id()));
    return ids;
  }
}
