package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Dead letters as recorded from the {@code aegis.dlq} topic, with their replay history. */
public final class DeadLetterRepository {

  /** One dead letter; {@code headersJson} holds the original headers as [{name, value(base64)}]. */
  public record DeadLetter(
      long id,
      String originalTopic,
      int originalPartition,
      long originalOffset,
      byte[] key,
      byte[] value,
      String headersJson,
      String reasonCode,
      String reason,
      String errorClass,
      String eventType,
      String eventSource,
      String eventId,
      Instant firstFailedAt,
      Instant recordedAt,
      int replayCount,
      Instant lastReplayedAt,
      String lastReplayedBy) {}

  /** Which dead letters to list or replay; null fields do not filter. */
  public record Filter(String reasonCode, String eventType, Instant from, Instant to) {}

  /** Records a dead letter once per original record; returns false when it was recorded before. */
  public boolean record(Tx h, DeadLetter d, Instant now) {
    return h.createUpdate(
                "INSERT INTO dead_letters (original_topic, original_partition, original_offset, "
                    + "message_key, value, headers, reason_code, reason, error_class, event_type, event_source, "
                    + "event_id, first_failed_at, recorded_at) VALUES (:topic, :partition, :offset, :key, :value, "
                    + ":headers::jsonb, :code, :reason, :errorClass, :type, :source, :eventId, :firstFailed, :now) "
                    + "ON CONFLICT (original_topic, original_partition, original_offset) DO NOTHING")
            .bind("topic", d.originalTopic())
            .bind("partition", d.originalPartition())
            .bind("offset", d.originalOffset())
            .bind("key", d.key())
            .bind("value", d.value())
            .bind("headers", d.headersJson())
            .bind("code", d.reasonCode())
            .bind("reason", d.reason())
            .bind("errorClass", d.errorClass())
            .bind("type", d.eventType())
            .bind("source", d.eventSource())
            .bind("eventId", d.eventId())
            .bind("firstFailed", ts(d.firstFailedAt()))
            .bind("now", ts(now))
            .execute()
        == 1;
  }

  public Optional<DeadLetter> find(Tx h, long id) {
    return h.createQuery(SELECT + " WHERE id = :id")
        .bind("id", id)
        .map(DeadLetterRepository::map)
        .findOne();
  }

  public List<DeadLetter> list(Tx h, Filter filter, int limit) {
    StringBuilder sql = new StringBuilder(SELECT).append(" WHERE true");
    if (filter.reasonCode() != null) {
      sql.append(" AND reason_code = :code");
    }
    if (filter.eventType() != null) {
      sql.append(" AND event_type = :type");
    }
    if (filter.from() != null) {
      sql.append(" AND first_failed_at >= :from");
    }
    if (filter.to() != null) {
      sql.append(" AND first_failed_at < :to");
    }
    sql.append(" ORDER BY id LIMIT :limit");
    Query q = h.createQuery(sql.toString()).bind("limit", limit);
    if (filter.reasonCode() != null) {
      q.bind("code", filter.reasonCode());
    }
    if (filter.eventType() != null) {
      q.bind("type", filter.eventType());
    }
    if (filter.from() != null) {
      q.bind("from", ts(filter.from()));
    }
    if (filter.to() != null) {
      q.bind("to", ts(filter.to()));
    }
    return q.map(DeadLetterRepository::map).list();
  }

  /** Dead letters with ids above {@code afterId}, in id order, at most {@code limit}. */
  public List<DeadLetter> recordedAfter(Tx h, long afterId, int limit) {
    return h.createQuery(SELECT + " WHERE id > :after ORDER BY id LIMIT :limit")
        .bind("after", afterId)
        .bind("limit", limit)
        .map(DeadLetterRepository::map)
        .list();
  }

  /** Dead letters replayed after {@code since}, oldest replay first, at most {@code limit}. */
  public List<DeadLetter> replayedAfter(Tx h, Instant since, int limit) {
    return h.createQuery(
            SELECT + " WHERE last_replayed_at > :since ORDER BY last_replayed_at, id LIMIT :limit")
        .bind("since", ts(since))
        .bind("limit", limit)
        .map(DeadLetterRepository::map)
        .list();
  }

  public void markReplayed(Tx h, long id, String actor, Instant now) {
    h.createUpdate(
            "UPDATE dead_letters SET replay_count = replay_count + 1, last_replayed_at = :now, "
                + "last_replayed_by = :actor WHERE id = :id")
        .bind("now", ts(now))
        .bind("actor", actor)
        .bind("id", id)
        .execute();
  }

  private static final String SELECT =
      "SELECT id, original_topic, original_partition, original_offset, "
          + "message_key, value, headers::text AS headers, reason_code, reason, error_class, event_type, "
          + "event_source, event_id, first_failed_at, recorded_at, replay_count, last_replayed_at, "
          + "last_replayed_by FROM dead_letters";

  private static DeadLetter map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new DeadLetter(
        rs.getLong("id"),
        rs.getString("original_topic"),
        rs.getInt("original_partition"),
        rs.getLong("original_offset"),
        rs.getBytes("message_key"),
        rs.getBytes("value"),
        rs.getString("headers"),
        rs.getString("reason_code"),
        rs.getString("reason"),
        rs.getString("error_class"),
        rs.getString("event_type"),
        rs.getString("event_source"),
        rs.getString("event_id"),
        instant(rs, "first_failed_at"),
        instant(rs, "recorded_at"),
        rs.getInt("replay_count"),
        instant(rs, "last_replayed_at"),
        rs.getString("last_replayed_by"));
  }
}
