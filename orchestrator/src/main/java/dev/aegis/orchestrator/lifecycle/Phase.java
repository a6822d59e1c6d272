package dev.aegis.orchestrator.lifecycle;

/**
 * The lifecycle phase of one experiment. The legal moves between phases are defined once, in {@code
 * dev.aegis.orchestrator.statemachine}, and reach the core as a {@link TransitionTable}.
 *
 * <ul>
 *   <li>{@link #SUBMITTED}: accepted, not yet placed; decided at once into QUEUED or CANARY.
 *   <li>{@link #QUEUED}: another experiment holds the service; starts when the service frees.
 *   <li>{@link #CANARY}: V1, receiving the current step's traffic weight and being judged.
 *   <li>{@link #PAUSED}: held by a human; windows are kept but not judged.
 *   <li>{@link #ROLLING_BACK}: traffic is being returned to the stable version.
 *   <li>{@link #PROMOTED}: the candidate is now V2, production.
 *   <li>{@link #QUARANTINED}: V3, failed analysis; linked to its RCA; blocks its image until
 *       released.
 *   <li>{@link #ABORTED}: stopped by a human; nothing is remembered against the image.
 *   <li>{@link #RELEASED}: a quarantine lifted by a human, with a reason.
 * </ul>
 */
public enum Phase {
  SUBMITTED,
  QUEUED,
  CANARY,
  PAUSED,
  ROLLING_BACK,
  PROMOTED,
  QUARANTINED,
  ABORTED,
  RELEASED;

  /** Whether an experiment in this phase owns its service, so that later ones must queue. */
  public boolean holdsService() {
    return switch (this) {
      case CANARY, PAUSED, ROLLING_BACK -> true;
      case SUBMITTED, QUEUED, PROMOTED, QUARANTINED, ABORTED, RELEASED -> false;
    };
  }

  /** Whether the canary run is over: no more steps, judgments or traffic shifts. */
  public boolean isSettled() {
    return switch (this) {
      case PROMOTED, QUARANTINED, ABORTED, RELEASED -> true;
      case SUBMITTED, QUEUED, CANARY, PAUSED, ROLLING_BACK -> false;
    };
  }

  /** Whether the candidate's image is remembered as bad (V3) in this phase. */
  public boolean isQuarantine() {
    return this == QUARANTINED;
  }
}
