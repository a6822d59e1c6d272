package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.lifecycle.Phase;
import java.time.Instant;

/**
 * The retention sweep's statements (docs/retention.md): a session-level advisory lock that keeps
 * replicas from sweeping together, and one bounded delete per kind of row that outlives its period.
 */
public final class RetentionRepository {

  private static final String SETTLED = PhaseList.of(Phase::isSettled);

  /**
   * What can be pruned, each with its table and the rows it keeps: windows a running experiment
   * counted; the step samples an experiment's current step replays (superseded ones go); outbox
   * rows not yet published; experiments that are not settled, that are the service's production
   * version or its rollback target, that still have an unpublished outbox row, or whose quarantine
   * is open; notifications still PENDING (only DELIVERED ones, by delivery time, and FAILED ones,
   * by their last attempt, go); DLQ growth marks go by the time their alert was raised. Each batch
   * picks its rows with {@code FOR UPDATE SKIP LOCKED}, so rows another transaction holds are left
   * alone.
   */
  public enum Prunable {
    HEALTH_WINDOWS(
        "health_windows",
        """
        DELETE FROM health_windows WHERE id IN (
          SELECT w.id FROM health_windows w
          WHERE w.window_end < :cutoff
            AND NOT EXISTS (SELECT 1 FROM experiments e
                            WHERE e.id = w.experiment_id AND e.phase NOT IN (%s))
          LIMIT :limit FOR UPDATE OF w SKIP LOCKED)"""
            .formatted(SETTLED)),
    SUPERSEDED_SAMPLES(
        "step_samples",
        """
        DELETE FROM step_samples WHERE (experiment_id, seq) IN (
          SELECT s.experiment_id, s.seq FROM step_samples s JOIN experiments e ON e.id = s.experiment_id
          WHERE s.seq < e.samples_from AND s.written_at < :cutoff
          LIMIT :limit FOR UPDATE OF s SKIP LOCKED)"""),
    INBOX(
        "processed_events",
        """
        DELETE FROM processed_events WHERE (source, event_id) IN (
          SELECT source, event_id FROM processed_events
          WHERE processed_at < :cutoff
          LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    PUBLISHED_OUTBOX(
        "outbox",
        """
        DELETE FROM outbox WHERE seq IN (
          SELECT seq FROM outbox
          WHERE status = 'DONE' AND done_at < :cutoff
          ORDER BY done_at LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    DEAD_LETTERS(
        "dead_letters",
        """
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM dead_letters
          WHERE recorded_at < :cutoff AND (last_replayed_at IS NULL OR last_replayed_at < :cutoff)
          ORDER BY recorded_at LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    SETTLED_EXPERIMENTS(
        "experiments",
        """
        DELETE FROM experiments WHERE id IN (
          SELECT e.id FROM experiments e
          WHERE e.phase IN (%s) AND e.settled_at < :cutoff
            AND NOT EXISTS (SELECT 1 FROM services s WHERE s.namespace = e.namespace AND s.name = e.service
                            AND e.candidate_version IN (s.production_version,
                                                        s.previous_production_version))
            AND NOT EXISTS (SELECT 1 FROM outbox o
                            WHERE o.experiment_id = e.id AND o.status <> 'DONE')
            AND NOT EXISTS (SELECT 1 FROM rca_records r
                            WHERE r.experiment_id = e.id AND r.released_at IS NULL)
          ORDER BY e.settled_at LIMIT :limit FOR UPDATE OF e SKIP LOCKED)"""
            .formatted(SETTLED)),
    // A row is never delivered or given up before it is created, so created_at < :cutoff holds for
    // every row that goes and lets the notifications_recent index pick the candidates.
    FINISHED_NOTIFICATIONS(
        "notifications",
        """
        DELETE FROM notifications WHERE seq IN (
          SELECT seq FROM notifications
          WHERE created_at < :cutoff
            AND ((status = 'DELIVERED' AND delivered_at < :cutoff)
                 OR (status = 'FAILED' AND next_attempt_at < :cutoff))
          ORDER BY created_at LIMIT :limit FOR UPDATE SKIP LOCKED)"""),
    // A mark only has to outlive its window (minutes), so that no replica raises the alert again.
    DLQ_ALERT_MARKS(
        "notification_dlq_marks",
        """
        DELETE FROM notification_dlq_marks WHERE window_start IN (
          SELECT window_start FROM notification_dlq_marks
          WHERE raised_at < :cutoff
          ORDER BY raised_at LIMIT :limit FOR UPDATE SKIP LOCKED)""");

    private final String table;
    private final String deleteBatch;

    Prunable(String table, String deleteBatch) {
      this.table = table;
      this.deleteBatch = deleteBatch;
    }

    /** The table rows of this kind are deleted from. */
    public String table() {
      return table;
    }
  }

  /**
   * Takes the session-level advisory lock {@code key} without waiting; false when another session
   * holds it.
   */
  public boolean tryLock(Tx h, long key) {
    return h.createQuery("SELECT pg_try_advisory_lock(:key)")
        .bind("key", key)
        .mapTo(Boolean.class)
        .one();
  }

  /** Releases the session-level advisory lock {@code key} this session holds. */
  public void unlock(Tx h, long key) {
    h.createQuery("SELECT pg_advisory_unlock(:key)").bind("key", key).mapTo(Boolean.class).one();
  }

  /**
   * Deletes at most {@code limit} rows of {@code kind} older than {@code cutoff}; returns how many.
   * Runs in the caller's transaction, whose lock waits it bounds to 2 s: a batch never queues
   * behind the hot path for long, it fails and the next sweep retries.
   */
  public int deleteBatch(Tx h, Prunable kind, Instant cutoff, int limit) {
    h.execute("SET LOCAL lock_timeout = '2s'");
    return h.createUpdate(kind.deleteBatch)
        .bind("cutoff", ts(cutoff))
        .bind("limit", limit)
        .execute();
  }
}
