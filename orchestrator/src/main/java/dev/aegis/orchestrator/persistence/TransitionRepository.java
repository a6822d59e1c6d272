package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.lifecycle.Trigger;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The append-only history of every experiment (the table refuses UPDATE and DELETE). */
public final class TransitionRepository {

  /** A stored transition with its row id and what caused it. */
  public record StoredTransition(
      long id, String experimentId, Transition transition, String causedBy) {}

  /** A stored transition with the service of its experiment, its phases and trigger as stored. */
  public record ServiceTransition(
      long id,
      String experimentId,
      String service,
      String fromPhase,
      String toPhase,
      String trigger,
      int step,
      int weight,
      String reason,
      String actor,
      Instant at) {}

  /**
   * How much of its SLO a service's promoted experiments used over every step they passed.
   *
   * @param experiments its promoted experiments that have a passed step with checks
   * @param steps the passed steps with an error-rate check
   * @param errorUsed the largest observed/threshold of the error-rate check; 0 when none
   * @param latencyUsed the largest observed/threshold of the p95-latency check; 0 when none
   */
  public record SloUse(
      String namespace,
      String service,
      int experiments,
      int steps,
      double errorUsed,
      double latencyUsed) {}

  /** Appends {@code transitions} in order; returns their row ids. */
  public List<Long> append(
      Tx h, String experimentId, List<Transition> transitions, String causedBy) {
    if (transitions.isEmpty()) {
      return List.of();
    }
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO transitions (experiment_id, from_phase, to_phase, "
                + "trigger, step, weight, reason, actor, evidence, caused_by, at) VALUES (:experimentId, :from, "
                + ":to, :trigger, :step, :weight, :reason, :actor, :evidence::jsonb, :causedBy, :at)");
    for (Transition t : transitions) {
      batch
          .bind("experimentId", experimentId)
          .bind("from", t.from() == null ? null : t.from().name())
          .bind("to", t.to().name())
          .bind("trigger", t.trigger().name())
          .bind("step", t.step())
          .bind("weight", t.weight())
          .bind("reason", t.reason())
          .bind("actor", t.actor())
          .bind("evidence", StateJson.write(t.evidence()))
          .bind("causedBy", causedBy)
          .bind("at", ts(t.at()))
          .add();
    }
    return batch.executePreparedBatch("id").mapTo(Long.class).list();
  }

  /** The whole history of one experiment, oldest first. */
  public List<StoredTransition> history(Tx h, String experimentId) {
    return h.createQuery(
            "SELECT id, experiment_id, from_phase, to_phase, trigger, step, weight, reason, "
                + "actor, evidence::text AS evidence, caused_by, at FROM transitions "
                + "WHERE experiment_id = :id ORDER BY id")
        .bind("id", experimentId)
        .map(
            (rs, ctx) ->
                new StoredTransition(
                    rs.getLong("id"),
                    rs.getString("experiment_id"),
                    new Transition(
                        rs.getString("from_phase") == null
                            ? null
                            : Phase.valueOf(rs.getString("from_phase")),
                        Phase.valueOf(rs.getString("to_phase")),
                        Trigger.valueOf(rs.getString("trigger")),
                        rs.getInt("step"),
                        rs.getInt("weight"),
                        rs.getString("reason"),
                        rs.getString("actor"),
                        StateJson.read(rs.getString("evidence"), Judgment.class),
                        instant(rs, "at")),
                    rs.getString("caused_by")))
        .list();
  }

  /**
   * Transitions of every experiment with row ids above {@code afterId}, in id order, at most {@code
   * limit}.
   */
  public List<ServiceTransition> after(Tx h, long afterId, int limit) {
    return h.createQuery(
            "SELECT t.id, t.experiment_id, e.service, t.from_phase, t.to_phase, t.trigger, t.step, "
                + "t.weight, t.reason, t.actor, t.at FROM transitions t JOIN experiments e ON e.id = t.experiment_id "
                + "WHERE t.id > :after ORDER BY t.id LIMIT :limit")
        .bind("after", afterId)
        .bind("limit", limit)
        .map(
            (rs, ctx) ->
                new ServiceTransition(
                    rs.getLong("id"),
                    rs.getString("experiment_id"),
                    rs.getString("service"),
                    rs.getString("from_phase"),
                    rs.getString("to_phase"),
                    rs.getString("trigger"),
                    rs.getInt("step"),
                    rs.getInt("weight"),
                    rs.getString("reason"),
                    rs.getString("actor"),
                    instant(rs, "at")))
        .list();
  }

  /**
   * Per service with PROMOTED experiments: the largest share of the SLO their passed steps used.
   */
  public List<SloUse> sloUseOfPromoted(Tx h) {
    return h.createQuery(
            """
            WITH promoted AS (
              SELECT e.id, e.namespace, e.service FROM experiments e WHERE e.phase = 'PROMOTED'),
            checks AS (
              SELECT p.namespace, p.service, p.id AS experiment, c->>'name' AS name,
                     (c->>'observed')::float8 / NULLIF((c->>'threshold')::float8, 0) AS used
              FROM promoted p JOIN transitions t ON t.experiment_id = p.id
              CROSS JOIN LATERAL jsonb_array_elements(t.evidence->'checks') c
              WHERE t.trigger IN ('STEP_PASSED', 'FINAL_STEP_PASSED') AND t.evidence IS NOT NULL)
            SELECT namespace, service, count(DISTINCT experiment) AS experiments, count(*) FILTER (WHERE name = 'error-rate') AS steps,
                   max(used) FILTER (WHERE name = 'error-rate') AS error_used,
                   max(used) FILTER (WHERE name = 'p95-latency') AS latency_used
            FROM checks GROUP BY namespace, service""")
        .map(
            (rs, ctx) ->
                new SloUse(
                    rs.getString("namespace"),
                    rs.getString("service"),
                    rs.getInt("experiments"),
                    rs.getInt("steps"),
                    rs.getDouble("error_used"),
                    rs.getDouble("latency_used")))
        .list();
  }
}
