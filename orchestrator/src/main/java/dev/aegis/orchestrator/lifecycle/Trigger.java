package dev.aegis.orchestrator.lifecycle;

/**
 * The lifecycle events that move an experiment between phases. Health windows are not triggers:
 * they update a step's evidence in plain code, and only a conclusive judgment becomes a trigger.
 */
public enum Trigger {
  /** The service is free: the first canary step starts. */
  START,
  /** Another experiment holds the service. */
  ENQUEUE,
  /** The service freed up and this is the oldest queued experiment. */
  DEQUEUE,
  /** A step that is not the last passed its judgment: traffic moves to the next weight. */
  STEP_PASSED,
  /** The last step passed its judgment: the candidate becomes production. */
  FINAL_STEP_PASSED,
  /** A step failed its judgment: roll back, then quarantine. */
  STEP_FAILED,
  /**
   * A step stayed inconclusive past its extension: Aegis pauses it for a human (policy
   * onInconclusive).
   */
  STEP_INCONCLUSIVE,
  /**
   * The rollback after a failed step is applied on the cluster: the candidate is quarantined into
   * V3.
   */
  QUARANTINE,
  /** A human paused the canary. */
  PAUSE,
  /** A human resumed a paused canary. */
  RESUME,
  /** A human promoted the candidate, skipping the remaining steps. */
  PROMOTE,
  /** A human aborted the experiment. */
  ABORT,
  /** The rollback after an abort is applied on the cluster: the experiment ends aborted. */
  FINISH_ABORT,
  /** A human released a quarantined candidate, with a reason. */
  RELEASE,
  /**
   * The promoted version breached its production SLO and production was rolled back to the previous
   * V2: the version is quarantined into V3.
   */
  PRODUCTION_BREACH;

  /** Whether a human (or an API client acting for one) fires this trigger, rather than the core. */
  public boolean isManual() {
    return switch (this) {
      case PAUSE, RESUME, PROMOTE, ABORT, RELEASE -> true;
      case START,
          ENQUEUE,
          DEQUEUE,
          STEP_PASSED,
          FINAL_STEP_PASSED,
          STEP_FAILED,
          STEP_INCONCLUSIVE,
          QUARANTINE,
          FINISH_ABORT,
          PRODUCTION_BREACH ->
          false;
    };
  }
}
