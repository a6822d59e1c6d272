package dev.aegis.operators.resource;

import java.time.Instant;

/**
 * The orchestrator's view of one experiment, as written to an {@code Experiment} resource's status.
 *
 * @param phase lifecycle phase (SUBMITTED, QUEUED, CANARY, PAUSED, ROLLING_BACK, PROMOTED,
 *     QUARANTINED, ABORTED)
 * @param step 1-based canary step, 0 before the first
 * @param weight current canary traffic weight in percent
 * @param message the latest transition's reason (or verdict summary)
 * @param actuationPending true while a command for this experiment waits in the outbox
 * @param rcaId the RCA record's id when quarantined, else null
 */
public record ExperimentStatusView(
    String experimentId,
    String phase,
    int step,
    int weight,
    String message,
    boolean actuationPending,
    String rcaId,
    Instant updatedAt) {

  public boolean terminal() {
    return switch (phase) {
      case "PROMOTED", "QUARANTINED", "ABORTED" -> true;
      default -> false;
    };
  }
}
