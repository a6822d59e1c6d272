package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.lifecycle.Trigger;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.PreparedBatch;

/** The append-only history of every experiment (the table refuses UPDATE and DELETE). */
public final class TransitionRepository {

  /** A stored transition with its row id and what caused it. */
  public record StoredTransition(long id, String experimentId, Transition transition, String causedBy) {}

  /** Appends {@code transitions} in order; returns their row ids. */
  public List<Long> append(Handle h, String experimentId, List<Transition> transitions, String causedBy) {
    if (transitions.isEmpty()) {
      return List.of();
    }
    PreparedBatch batch = h.prepareBatch("INSERT INTO transitions (experiment_id, from_phase, to_phase, "
        + "trigger, step, weight, reason, actor, evidence, caused_by, at) VALUES (:experimentId, :from, "
        + ":to, :trigger, :step, :weight, :reason, :actor, :evidence::jsonb, :causedBy, :at)");
    for (Transition t : transitions) {
      batch.bind("experimentId", experimentId).bind("from", t.from() == null ? null : t.from().name())
          .bind("to", t.to().name()).bind("trigger", t.trigger().name()).bind("step", t.step())
          .bind("weight", t.weight()).bind("reason", t.reason()).bind("actor", t.actor())
          .bind("evidence", StateJson.write(t.evidence())).bind("causedBy", causedBy)
          .bind("at", ts(t.at())).add();
    }
    return batch.executePreparedBatch("id").mapTo(Long.class).list();
  }

  /** The whole history of one experiment, oldest first. */
  public List<StoredTransition> history(Handle h, String experimentId) {
    return h.createQuery("SELECT id, experiment_id, from_phase, to_phase, trigger, step, weight, reason, "
            + "actor, evidence::text AS evidence, caused_by, at FROM transitions "
            + "WHERE experiment_id = :id ORDER BY id")
        .bind("id", experimentId)
        .map((rs, ctx) -> new StoredTransition(
            rs.getLong("id"),
            rs.getString("experiment_id"),
            new Transition(
                rs.getString("from_phase") == null ? null : Phase.valueOf(rs.getString("from_phase")),
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
}
