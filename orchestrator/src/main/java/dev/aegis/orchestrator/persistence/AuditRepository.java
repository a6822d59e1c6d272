package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/** Who asked Aegis to do what, append-only: submissions, manual commands, releases, replays. */
public final class AuditRepository {

  public record Entry(long id, Instant at, String actor, String action, String target, String detailJson) {}

  public void record(Handle h, String actor, String action, String target, Map<String, ?> detail, Instant now) {
    h.createUpdate("INSERT INTO audit_log (at, actor, action, target, detail) "
            + "VALUES (:at, :actor, :action, :target, :detail::jsonb)")
        .bind("at", ts(now)).bind("actor", actor).bind("action", action).bind("target", target)
        .bind("detail", StateJson.write(detail)).execute();
  }

  public List<Entry> list(Handle h, Instant since, int limit) {
    return h.createQuery("SELECT id, at, actor, action, target, detail::text AS detail FROM audit_log "
            + "WHERE at >= :since ORDER BY id DESC LIMIT :limit")
        .bind("since", ts(since == null ? Instant.EPOCH : since)).bind("limit", limit)
        .map((rs, ctx) -> new Entry(rs.getLong("id"), instant(rs, "at"), rs.getString("actor"),
            rs.getString("action"), rs.getString("target"), rs.getString("detail")))
        .list();
  }
}
