package dev.aegis.orchestrator.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The data of each event on {@code GET /api/v1/stream}, by event name. Every event's data is one
 * JSON object.
 */
final class LiveEvents {

  static final String SNAPSHOT = "snapshot";
  static final String EXPERIMENT = "experiment";
  static final String TRANSITION = "transition";
  static final String DEAD_LETTER = "dead-letter";
  static final String AUDIT = "audit";
  static final String HEARTBEAT = "heartbeat";

  private LiveEvents() {}

  /** First event of every stream: the live experiments and the most recent others. */
  record Snapshot(Instant at, List<ExperimentSummary> experiments) {}

  /** Sent on every heartbeat interval, so a client can tell a quiet stream from a dead one. */
  record Heartbeat(Instant at, int clients) {}

  /**
   * One experiment as an SRE watches it: where it is (phase, step, weight), how long the step has
   * still to run on event time ({@code timeLeftSeconds}, null outside CANARY/PAUSED), the latest
   * verdict, and whether its effects on the cluster are waiting or alarmed.
   */
  record ExperimentSummary(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String candidateImage,
      String productionVersion,
      String phase,
      boolean live,
      boolean settled,
      int step,
      int steps,
      int weight,
      double stepMinDurationSeconds,
      double observedSeconds,
      Double timeLeftSeconds,
      long requests,
      long errors,
      boolean silent,
      String verdict,
      String verdictSummary,
      Instant judgedAt,
      Actuation actuation,
      String submittedBy,
      Instant submittedAt,
      Instant updatedAt,
      long revision) {

    static ExperimentSummary of(ExperimentRecord r, int pendingCommands) {
      Experiment e = r.experiment();
      Phase phase = e.phase();
      boolean stepping = phase == Phase.CANARY || phase == Phase.PAUSED;
      double minSeconds =
          seconds(
              e.policy()
                  .step(Math.min(e.stepIndex(), e.policy().steps().size() - 1))
                  .minDuration());
      StepProgress p = e.progress();
      double observed = p == null || p.observed() == null ? 0 : seconds(p.observed());
      Judgment j = e.lastJudgment();
      var a = e.actuation();
      return new ExperimentSummary(
          e.id(),
          e.service(),
          e.namespace(),
          e.candidate().version(),
          e.candidate().image(),
          e.productionVersion(),
          phase.name(),
          phase.holdsService(),
          phase.isSettled(),
          e.stepIndex() + 1,
          e.policy().steps().size(),
          e.currentWeight(),
          minSeconds,
          observed,
          stepping ? Math.max(0, minSeconds - observed) : null,
          p == null ? 0 : p.requests(),
          p == null ? 0 : p.errors(),
          e.silent(),
          j == null ? null : j.verdict().name(),
          j == null ? null : j.summary(),
          j == null ? null : j.at(),
          new Actuation(
              pendingCommands > 0,
              pendingCommands,
              a.awaiting(),
              a.failures(),
              a.problem(),
              a.alarm()),
          r.submittedBy(),
          e.submittedAt(),
          r.updatedAt(),
          e.revision());
    }

    private static double seconds(Duration d) {
      return d.toMillis() / 1000.0;
    }
  }

  /** As {@code actuation} of {@code GET /api/v1/experiments/{id}}. */
  record Actuation(
      boolean pending,
      int pendingCommands,
      String awaiting,
      int failures,
      String problem,
      boolean alarm) {}

  /** A new row of the append-only transition history. */
  record TransitionEvent(
      long id,
      String experimentId,
      String service,
      String from,
      String to,
      String trigger,
      int step,
      int weight,
      String reason,
      String actor,
      Instant at) {}

  /** A new dead letter, or one that was replayed ({@code replayCount} went up). */
  record DeadLetterEvent(
      long id,
      String originalTopic,
      int originalPartition,
      long originalOffset,
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

  /** A new audit log entry, as in {@code GET /api/v1/audit}. */
  record AuditEvent(
      long id, Instant at, String actor, String action, String target, JsonNode detail) {}
}
