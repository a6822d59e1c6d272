package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.lifecycle.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * Counts the live experiments (CANARY, PAUSED, ROLLING_BACK: {@link Phase#holdsService()}) that do
 * not move, by why, in one statement (docs/production.md, "Stuck experiments").
 *
 * <p>A CANARY or PAUSED experiment is stuck when its current step has run, on the wall clock since
 * the step began or the canary resumed, longer than the step may take by its policy (its minimum
 * duration, plus the longest extension and the settle time the analysis allows) plus {@code grace}.
 * A ROLLING_BACK one is stuck when its rollback has lasted longer than {@code rollbackGrace} since
 * the transition into ROLLING_BACK.
 *
 * <p>Cost: the live rows are found through the partial index of live experiments, so settled
 * experiments are never read; an overdue CANARY row looks up its pending actuation commands through
 * {@code outbox_actuation_by_experiment}, and a ROLLING_BACK row its latest transition through
 * {@code transitions_by_experiment}. The statement is bounded to 5 s.
 */
public final class StuckExperimentRepository {

  /** Why a live experiment does not move; each is one value of the {@code reason} tag. */
  public enum Reason {
    /** CANARY past its step's time while a cluster command for it is still pending. */
    ACTUATION,
    /** CANARY past its step's time, held because no health window arrives (silence). */
    SILENT,
    /** CANARY past its step's time with windows arriving and no verdict. */
    JUDGMENT,
    /** PAUSED (by a human, or by Aegis on an inconclusive step) past its step's time. */
    PAUSED,
    /** ROLLING_BACK for longer than the rollback grace. */
    ROLLING_BACK;

    /** The tag value: the name in lower case with dashes, e.g. {@code rolling-back}. */
    public String tag() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Reason ofTag(String tag) {
      return valueOf(tag.toUpperCase(Locale.ROOT).replace('-', '_'));
    }
  }

  private static final String LIVE = PhaseList.of(Phase::holdsService);

  // The step's planned time is policy.steps[step_index].minDuration plus the analysis's
  // maxExtension (null: the step's own minimum duration, as Analysis.extension says) plus its
  // settleTime (evidence counts only that long after a shift); durations are stored as ISO-8601
  // text, which PostgreSQL reads as an interval.
  private static final String COUNT =
      """
      SELECT reason, count(*) AS n FROM (
        SELECT CASE
                 WHEN e.phase = 'ROLLING_BACK' THEN 'rolling-back'
                 WHEN e.phase = 'PAUSED' THEN 'paused'
                 WHEN EXISTS (SELECT 1 FROM outbox o
                              WHERE o.experiment_id = e.id AND o.kind = 'actuation'
                                AND o.status = 'PENDING') THEN 'actuation'
                 WHEN e.silent THEN 'silent'
                 ELSE 'judgment'
               END AS reason
        FROM experiments e
        WHERE e.phase IN (%s)
          AND CASE
                WHEN e.phase = 'ROLLING_BACK' THEN
                  (SELECT t.at FROM transitions t WHERE t.experiment_id = e.id
                   ORDER BY t.id DESC LIMIT 1) + :rollbackGrace * interval '1 second'
                ELSE
                  COALESCE(e.step_entered_at, e.submitted_at)
                  + (e.policy #>> ARRAY['steps', e.step_index::text, 'minDuration'])::interval
                  + COALESCE(e.policy #>> '{analysis,maxExtension}',
                             e.policy #>> ARRAY['steps', e.step_index::text, 'minDuration'])::interval
                  + COALESCE(e.policy #>> '{analysis,settleTime}', 'PT0S')::interval
                  + :grace * interval '1 second'
              END < :now
      ) stuck GROUP BY reason"""
          .formatted(LIVE);

  /**
   * The stuck live experiments at {@code now}, by reason; every reason is present, zero when none.
   * Runs in the caller's transaction, whose statement time it bounds to 5 s.
   */
  public Map<Reason, Long> countStuck(Tx h, Instant now, Duration grace, Duration rollbackGrace) {
    h.execute("SET LOCAL statement_timeout = '5s'");
    Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    for (Reason reason : Reason.values()) {
      counts.put(reason, 0L);
    }
    h.createQuery(COUNT)
        .bind("now", ts(now))
        .bind("grace", seconds(grace))
        .bind("rollbackGrace", seconds(rollbackGrace))
        .map((rs, ctx) -> Map.entry(Reason.ofTag(rs.getString("reason")), rs.getLong("n")))
        .forEach(e -> counts.put(e.getKey(), e.getValue()));
    return counts;
  }

  private static double seconds(Duration d) {
    return d.toMillis() / 1000.0;
  }
}
