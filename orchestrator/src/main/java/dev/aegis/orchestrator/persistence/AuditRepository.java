package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Who asked Aegis to do what, append-only: submissions, manual commands, releases, replays. */
public final class AuditRepository {

  public record Entry(
      long id, Instant at, String actor, String action, String target, String detailJson) {}

  /**
   * Aegis's own scale-ups of one service ({@code service.scale} by an {@code aegis…} actor).
   *
   * @param lastReason the reason of the newest of them
   */
  public record ScaleUps(
      String service, String namespace, int count, Instant lastAt, String lastReason) {}

  public void record(
      Tx h, String actor, String action, String target, Map<String, ?> detail, Instant now) {
    h.createUpdate(
            "INSERT INTO audit_log (at, actor, action, target, detail) "
                + "VALUES (:at, :actor, :action, :target, :detail::jsonb)")
        .bind("at", ts(now))
        .bind("actor", actor)
        .bind("action", action)
        .bind("target", target)
        .bind("detail", StateJson.write(detail))
        .execute();
  }

  public List<Entry> list(Tx h, Instant since, int limit) {
    return h.createQuery(
            "SELECT id, at, actor, action, target, detail::text AS detail FROM audit_log "
                + "WHERE at >= :since ORDER BY id DESC LIMIT :limit")
        .bind("since", ts(since == null ? Instant.EPOCH : since))
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Entry(
                    rs.getLong("id"),
                    instant(rs, "at"),
                    rs.getString("actor"),
                    rs.getString("action"),
                    rs.getString("target"),
                    rs.getString("detail")))
        .list();
  }

  /** Entries with ids above {@code afterId}, in id order, at most {@code limit}. */
  public List<Entry> after(Tx h, long afterId, int limit) {
    return h.createQuery(
            "SELECT id, at, actor, action, target, detail::text AS detail FROM audit_log "
                + "WHERE id > :after ORDER BY id LIMIT :limit")
        .bind("after", afterId)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new Entry(
                    rs.getLong("id"),
                    instant(rs, "at"),
                    rs.getString("actor"),
                    rs.getString("action"),
                    rs.getString("target"),
                    rs.getString("detail")))
        .list();
  }

  /** Per service (and namespace) Aegis scaled up at least {@code min} times since {@code since}. */
  public List<ScaleUps> scaleUpsSince(Tx h, Instant since, int min) {
    return h.createQuery(
            """
            SELECT target AS service, detail->>'namespace' AS namespace, count(*) AS scale_ups, max(at) AS last_at,
                   (array_agg(detail->>'reason' ORDER BY at DESC))[1] AS last_reason
            FROM audit_log WHERE action = 'service.scale' AND actor LIKE 'aegis%' AND at >= :since
            GROUP BY target, detail->>'namespace' HAVING count(*) >= :min""")
        .bind("since", ts(since))
        .bind("min", min)
        .map(
            (rs, ctx) ->
                new ScaleUps(
                    rs.getString("service"),
                    rs.getString("namespace"),
                    rs.getInt("scale_ups"),
                    instant(rs, "last_at"),
                    rs.getString("last_reason")))
        .list();
  }
}
