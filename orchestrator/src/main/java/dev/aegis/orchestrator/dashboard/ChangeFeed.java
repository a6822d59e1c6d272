package dev.aegis.orchestrator.dashboard;

import static java.util.stream.Collectors.toMap;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.dashboard.LiveEvents.AuditEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.DeadLetterEvent;
import dev.aegis.orchestrator.dashboard.LiveEvents.ExperimentSummary;
import dev.aegis.orchestrator.dashboard.LiveEvents.TransitionEvent;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.StateJson;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.springframework.stereotype.Component;

/**
 * The dashboard's read-only view of what changed: small queries on the caller's {@link Handle}, each bounded
 * by {@code limit}. Nothing here writes.
 */
@Component
class ChangeFeed {

  /** An experiment's identity of change: its core revision and the time of its last write. */
  record Stamp(String id, long revision, Instant updatedAt) {}

  /** The append-only tables this feed follows by id. */
  enum Table {
    TRANSITIONS("transitions"), DEAD_LETTERS("dead_letters"), AUDIT("audit_log");

    final String sql;

    Table(String sql) {
      this.sql = sql;
    }
  }

  private static final List<String> LIVE = List.of(Phase.SUBMITTED, Phase.QUEUED, Phase.CANARY, Phase.PAUSED,
      Phase.ROLLING_BACK).stream().map(Phase::name).toList();

  private final ExperimentRepository experiments;

  ChangeFeed(ExperimentRepository experiments) {
    this.experiments = experiments;
  }

  /** Experiments written after {@code since}, oldest write first. */
  List<Stamp> experimentsUpdatedAfter(Handle h, Instant since, int limit) {
    return h.createQuery("SELECT id, version, updated_at FROM experiments WHERE updated_at > :since "
            + "ORDER BY updated_at, id LIMIT :limit")
        .bind("since", Timestamp.from(since)).bind("limit", limit)
        .map((rs, ctx) -> new Stamp(rs.getString("id"), rs.getLong("version"), instant(rs, "updated_at")))
        .list();
  }

  /** The summaries of {@code ids}, in that order; ids that do not exist are left out. */
  List<ExperimentSummary> summaries(Handle h, Collection<String> ids) {
    if (ids.isEmpty()) {
      return List.of();
    }
    Map<String, Integer> pending = h.createQuery("SELECT experiment_id, count(*) AS n FROM outbox "
            + "WHERE kind = 'actuation' AND status = 'PENDING' AND experiment_id IN (<ids>) GROUP BY experiment_id")
        .bindList("ids", List.copyOf(ids))
        .map((rs, ctx) -> Map.entry(rs.getString("experiment_id"), rs.getInt("n")))
        .list().stream().collect(toMap(Map.Entry::getKey, Map.Entry::getValue));
    List<ExperimentSummary> out = new ArrayList<>();
    for (String id : ids) {
      experiments.find(h, id).ifPresent(r -> out.add(ExperimentSummary.of(r, pending.getOrDefault(id, 0))));
    }
    return out;
  }

  /** Every experiment that is not settled, and the {@code recent} most recently submitted others. */
  List<ExperimentSummary> snapshot(Handle h, int recent) {
    Map<String, ExperimentRecord> byId = new LinkedHashMap<>();
    experiments.list(h, null, LIVE.stream().map(Phase::valueOf).toList(), 1000)
        .forEach(r -> byId.put(r.experiment().id(), r));
    experiments.list(h, null, null, recent).forEach(r -> byId.putIfAbsent(r.experiment().id(), r));
    return summaries(h, byId.keySet());
  }

  /** Where to start following a table: ids above {@code from}, of which {@code recentIds} exist already. */
  record Head(long from, List<Long> recentIds) {}

  Head head(Handle h, Table table, int window) {
    long max = h.createQuery("SELECT coalesce(max(id), 0) FROM " + table.sql).mapTo(Long.class).one();
    long from = Math.max(0, max - window);
    List<Long> recent = h.createQuery("SELECT id FROM " + table.sql + " WHERE id > :from ORDER BY id")
        .bind("from", from).mapTo(Long.class).list();
    return new Head(from, recent);
  }

  List<TransitionEvent> transitionsAfter(Handle h, long after, int limit) {
    return h.createQuery("SELECT t.id, t.experiment_id, e.service, t.from_phase, t.to_phase, t.trigger, t.step, "
            + "t.weight, t.reason, t.actor, t.at FROM transitions t JOIN experiments e ON e.id = t.experiment_id "
            + "WHERE t.id > :after ORDER BY t.id LIMIT :limit")
        .bind("after", after).bind("limit", limit)
        .map((rs, ctx) -> new TransitionEvent(rs.getLong("id"), rs.getString("experiment_id"),
            rs.getString("service"), rs.getString("from_phase"), rs.getString("to_phase"), rs.getString("trigger"),
            rs.getInt("step"), rs.getInt("weight"), rs.getString("reason"), rs.getString("actor"), instant(rs, "at")))
        .list();
  }

  List<DeadLetterEvent> deadLettersAfter(Handle h, long after, int limit) {
    return h.createQuery(DEAD_LETTER_COLUMNS + " WHERE id > :after ORDER BY id LIMIT :limit")
        .bind("after", after).bind("limit", limit).map(ChangeFeed::deadLetter).list();
  }

  /** Dead letters replayed after {@code since}, oldest replay first. */
  List<DeadLetterEvent> deadLettersReplayedAfter(Handle h, Instant since, int limit) {
    return h.createQuery(DEAD_LETTER_COLUMNS + " WHERE last_replayed_at > :since ORDER BY last_replayed_at, id "
            + "LIMIT :limit")
        .bind("since", Timestamp.from(since)).bind("limit", limit).map(ChangeFeed::deadLetter).list();
  }

  List<AuditEvent> auditAfter(Handle h, long after, int limit) {
    return h.createQuery("SELECT id, at, actor, action, target, detail::text AS detail FROM audit_log "
            + "WHERE id > :after ORDER BY id LIMIT :limit")
        .bind("after", after).bind("limit", limit)
        .map((rs, ctx) -> new AuditEvent(rs.getLong("id"), instant(rs, "at"), rs.getString("actor"),
            rs.getString("action"), rs.getString("target"),
            Optional.ofNullable(rs.getString("detail")).map(d -> StateJson.read(d, JsonNode.class)).orElse(null)))
        .list();
  }

  private static final String DEAD_LETTER_COLUMNS = "SELECT id, original_topic, original_partition, "
      + "original_offset, reason_code, reason, error_class, event_type, event_source, event_id, first_failed_at, "
      + "recorded_at, replay_count, last_replayed_at, last_replayed_by FROM dead_letters";

  private static DeadLetterEvent deadLetter(ResultSet rs, org.jdbi.v3.core.statement.StatementContext ctx)
      throws SQLException {
    return new DeadLetterEvent(rs.getLong("id"), rs.getString("original_topic"), rs.getInt("original_partition"),
        rs.getLong("original_offset"), rs.getString("reason_code"), rs.getString("reason"),
        rs.getString("error_class"), rs.getString("event_type"), rs.getString("event_source"),
        rs.getString("event_id"), instant(rs, "first_failed_at"), instant(rs, "recorded_at"),
        rs.getInt("replay_count"), instant(rs, "last_replayed_at"), rs.getString("last_replayed_by"));
  }

  static Instant instant(ResultSet rs, String column) throws SQLException {
    Timestamp t = rs.getTimestamp(column);
    return t == null ? null : t.toInstant();
  }
}
