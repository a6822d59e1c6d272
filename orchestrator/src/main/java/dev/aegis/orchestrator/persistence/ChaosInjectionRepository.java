package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.aegis.chaos.FaultSpec;
import dev.aegis.chaos.Revert;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Faults Aegis injected, each a small state machine: INJECTING (written before the cluster is
 * touched, so a crash mid-injection leaves a row to clean up) → ACTIVE (with its revert steps) →
 * REVERTED; or FAILED when the cluster refused the injection. A revert that fails keeps the row
 * ACTIVE with its attempts, next attempt time and last error.
 */
public final class ChaosInjectionRepository {

  /** Where a fault is in its life. */
  public enum State {
    INJECTING,
    ACTIVE,
    REVERTED,
    FAILED;

    public boolean isLive() {
      return this == INJECTING || this == ACTIVE;
    }
  }

  /**
   * One row. {@code endReason}: {@code expired}, {@code reverted}, {@code kill-switch} or the
   * failure.
   */
  public record Row(
      String faultId,
      String namespace,
      String service,
      String track,
      String kind,
      String experimentId,
      boolean production,
      FaultSpec spec,
      State state,
      String mechanism,
      List<Revert> reverts,
      List<String> affectedPods,
      String summary,
      String requestedBy,
      String reason,
      Instant startedAt,
      Instant expiresAt,
      Instant endedAt,
      String endedBy,
      String endReason,
      int revertAttempts,
      Instant nextRevertAt,
      String lastError) {}

  /** The kill switch's position. */
  public record Switch(boolean halted, String changedBy, String reason, Instant changedAt) {}

  private static final TypeReference<List<Revert>> REVERTS = new TypeReference<>() {};
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};
  private static final String COLUMNS =
      "fault_id, namespace, service, track, kind, experiment_id, production, "
          + "spec::text AS spec, state, mechanism, reverts::text AS reverts, affected_pods::text AS affected_pods, "
          + "summary, requested_by, reason, started_at, expires_at, ended_at, ended_by, end_reason, revert_attempts, "
          + "next_revert_at, last_error";

  /** Records a fault about to be injected. */
  public void begin(
      Tx h,
      String faultId,
      FaultSpec spec,
      String experimentId,
      boolean production,
      String requestedBy,
      String reason,
      Instant startedAt,
      Instant expiresAt) {
    h.createUpdate(
            "INSERT INTO chaos_injections (fault_id, namespace, service, track, kind, experiment_id, "
                + "production, spec, state, requested_by, reason, started_at, expires_at, next_revert_at) VALUES (:id, "
                + ":namespace, :service, :track, :kind, :experimentId, :production, :spec::jsonb, 'INJECTING', :by, "
                + ":reason, :started, :expires, :expires)")
        .bind("id", faultId)
        .bind("namespace", spec.target().namespace())
        .bind("service", spec.target().service())
        .bind("track", spec.target().track().wire())
        .bind("kind", spec.kind().wireName())
        .bind("experimentId", experimentId)
        .bind("production", production)
        .bind("spec", StateJson.write(spec))
        .bind("by", requestedBy)
        .bind("reason", reason)
        .bind("started", ts(startedAt))
        .bind("expires", ts(expiresAt))
        .execute();
  }

  /** The injection took: the fault is ACTIVE with the steps that undo it. */
  public void activate(
      Tx h,
      String faultId,
      String mechanism,
      List<Revert> reverts,
      List<String> affectedPods,
      String summary) {
    h.createUpdate(
            "UPDATE chaos_injections SET state = 'ACTIVE', mechanism = :mechanism, reverts = :reverts::jsonb, "
                + "affected_pods = :pods::jsonb, summary = :summary WHERE fault_id = :id AND state = 'INJECTING'")
        .bind("id", faultId)
        .bind("mechanism", mechanism)
        .bind("reverts", revertsJson(reverts))
        .bind("pods", StateJson.write(affectedPods))
        .bind("summary", summary)
        .execute();
  }

  /** The injection did not take; nothing of it is on the cluster. */
  public void fail(Tx h, String faultId, String error, Instant now) {
    h.createUpdate(
            "UPDATE chaos_injections SET state = 'FAILED', ended_at = :now, end_reason = :error, "
                + "last_error = :error WHERE fault_id = :id AND state = 'INJECTING'")
        .bind("id", faultId)
        .bind("error", error)
        .bind("now", ts(now))
        .execute();
  }

  /** An injection that failed part-way: due for a revert now. */
  public void expireNow(Tx h, String faultId, String error, Instant now) {
    h.createUpdate(
            "UPDATE chaos_injections SET expires_at = LEAST(expires_at, :now), next_revert_at = :now, "
                + "last_error = :error WHERE fault_id = :id AND state = 'INJECTING'")
        .bind("id", faultId)
        .bind("error", error)
        .bind("now", ts(now))
        .execute();
  }

  /**
   * The fault is off the cluster. Returns false if it was not live (someone else ended it first).
   */
  public boolean end(Tx h, String faultId, String by, String reason, Instant now) {
    return h.createUpdate(
                "UPDATE chaos_injections SET state = 'REVERTED', ended_at = :now, ended_by = :by, "
                    + "end_reason = :reason, last_error = NULL WHERE fault_id = :id AND state IN ('INJECTING', 'ACTIVE')")
            .bind("id", faultId)
            .bind("by", by)
            .bind("reason", reason)
            .bind("now", ts(now))
            .execute()
        == 1;
  }

  /** A revert failed: try again at {@code next}. */
  public void revertFailed(Tx h, String faultId, String error, Instant next) {
    h.createUpdate(
            "UPDATE chaos_injections SET revert_attempts = revert_attempts + 1, last_error = :error, "
                + "next_revert_at = :next WHERE fault_id = :id")
        .bind("id", faultId)
        .bind("error", error)
        .bind("next", ts(next))
        .execute();
  }

  /**
   * Up to {@code limit} live faults due for a revert: past their deadline and their next attempt
   * time. Each is reverted in a transaction of its own that locks it first ({@link #claimLive}), so
   * a replica reverting the same fault at the same moment skips it.
   */
  public List<String> dueForRevert(Tx h, Instant now, int limit) {
    return h.createQuery(
            "SELECT fault_id FROM chaos_injections WHERE state IN ('INJECTING', 'ACTIVE') "
                + "AND expires_at <= :now AND COALESCE(next_revert_at, expires_at) <= :now ORDER BY expires_at "
                + "LIMIT :limit")
        .bind("now", ts(now))
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  /**
   * Up to {@code limit} live canary faults whose experiment has settled ({@code settledPhases}):
   * its canary run is over, so a fault aimed at it has nothing left to test. Reverted as {@link
   * #dueForRevert}'s are.
   */
  public List<String> ofSettledExperiments(
      Tx h, List<String> settledPhases, Instant now, int limit) {
    return h.createQuery(
            "SELECT c.fault_id FROM chaos_injections c WHERE c.state = 'ACTIVE' "
                + "AND c.track = 'canary' AND (c.revert_attempts = 0 OR c.next_revert_at <= :now) "
                + "AND EXISTS (SELECT 1 FROM experiments e WHERE e.id = c.experiment_id AND e.phase IN (<phases>)) "
                + "ORDER BY c.started_at LIMIT :limit")
        .bindList("phases", settledPhases)
        .bind("now", ts(now))
        .bind("limit", limit)
        .mapTo(String.class)
        .list();
  }

  /**
   * Locks one live fault for its revert; empty when it is not live or another transaction holds it.
   */
  public Optional<Row> claimLive(Tx h, String faultId) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM chaos_injections WHERE fault_id = :id "
                + "AND state IN ('INJECTING', 'ACTIVE') FOR UPDATE SKIP LOCKED")
        .bind("id", faultId)
        .map(ChaosInjectionRepository::row)
        .findOne();
  }

  public List<String> liveIds(Tx h) {
    return h.createQuery(
            "SELECT fault_id FROM chaos_injections WHERE state IN ('INJECTING', 'ACTIVE') "
                + "ORDER BY started_at")
        .mapTo(String.class)
        .list();
  }

  public int countLive(Tx h) {
    return h.createQuery(
            "SELECT count(*) FROM chaos_injections WHERE state IN ('INJECTING', 'ACTIVE')")
        .mapTo(Integer.class)
        .one();
  }

  public Optional<Row> find(Tx h, String faultId) {
    return h.createQuery("SELECT " + COLUMNS + " FROM chaos_injections WHERE fault_id = :id")
        .bind("id", faultId)
        .map(ChaosInjectionRepository::row)
        .findOne();
  }

  /**
   * Faults aimed at {@code scope}, newest first; only the INJECTING and ACTIVE ones when {@code
   * live}.
   */
  public List<Row> list(Tx h, boolean live, NamespaceScope scope, int limit) {
    return scope
        .bind(
            h.createQuery(
                "SELECT "
                    + COLUMNS
                    + " FROM chaos_injections WHERE "
                    + scope.condition("namespace")
                    + (live ? " AND state IN ('INJECTING', 'ACTIVE')" : "")
                    + " ORDER BY started_at DESC LIMIT :limit"))
        .bind("limit", limit)
        .map(ChaosInjectionRepository::row)
        .list();
  }

  public Optional<Switch> killSwitch(Tx h) {
    return h.createQuery("SELECT * FROM chaos_switch WHERE id = 1")
        .map(
            (rs, ctx) ->
                new Switch(
                    rs.getBoolean("halted"),
                    rs.getString("changed_by"),
                    rs.getString("reason"),
                    instant(rs, "changed_at")))
        .findOne();
  }

  public void setKillSwitch(Tx h, boolean halted, String by, String reason, Instant now) {
    h.createUpdate(
            "INSERT INTO chaos_switch (id, halted, changed_by, reason, changed_at) VALUES (1, :halted, :by, "
                + ":reason, :now) ON CONFLICT (id) DO UPDATE SET halted = :halted, changed_by = :by, reason = :reason, "
                + "changed_at = :now")
        .bind("halted", halted)
        .bind("by", by)
        .bind("reason", reason)
        .bind("now", ts(now))
        .execute();
  }

  /**
   * Takes the kill switch's table lock until the transaction ends: an injection checking the switch
   * and a halt turning it on (and expiring every live fault) run one after the other.
   */
  public void lockSwitch(Tx h) {
    h.execute("LOCK TABLE chaos_switch IN SHARE ROW EXCLUSIVE MODE");
  }

  /** Makes every live fault due for a revert at {@code now}. */
  public void expireAllLive(Tx h, Instant now) {
    h.createUpdate(
            "UPDATE chaos_injections SET expires_at = LEAST(expires_at, :now), next_revert_at = :now "
                + "WHERE state IN ('INJECTING', 'ACTIVE')")
        .bind("now", ts(now))
        .execute();
  }

  private static String revertsJson(List<Revert> reverts) {
    try {
      // Written as the list type, so each step carries its "type" discriminator.
      return StateJson.mapper().writerFor(REVERTS).writeValueAsString(reverts);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("revert steps are not writable as JSON", e);
    }
  }

  private static Row row(ResultSet rs, StatementContext ctx) throws SQLException {
    try {
      return new Row(
          rs.getString("fault_id"),
          rs.getString("namespace"),
          rs.getString("service"),
          rs.getString("track"),
          rs.getString("kind"),
          rs.getString("experiment_id"),
          rs.getBoolean("production"),
          StateJson.read(rs.getString("spec"), FaultSpec.class),
          State.valueOf(rs.getString("state")),
          rs.getString("mechanism"),
          StateJson.mapper().readValue(rs.getString("reverts"), REVERTS),
          StateJson.mapper().readValue(rs.getString("affected_pods"), STRINGS),
          rs.getString("summary"),
          rs.getString("requested_by"),
          rs.getString("reason"),
          instant(rs, "started_at"),
          instant(rs, "expires_at"),
          instant(rs, "ended_at"),
          rs.getString("ended_by"),
          rs.getString("end_reason"),
          rs.getInt("revert_attempts"),
          instant(rs, "next_revert_at"),
          rs.getString("last_error"));
    } catch (JsonProcessingException e) {
      throw new SQLException(
          "chaos_injections row " + rs.getString("fault_id") + " is unreadable", e);
    }
  }
}
