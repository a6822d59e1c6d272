package dev.aegis.orchestrator.lifecycle;

/**
 * Where an experiment's effects on the cluster stand, as far as the core has heard from the
 * actuation side. A rollback is the one command the core waits for: ROLLING_BACK settles (into
 * QUARANTINED or ABORTED) only once the cluster reports the rollback applied, so a rollback that
 * keeps failing is never reported as done.
 *
 * @param awaiting id of the rollback command the experiment waits for, or null
 * @param settlesTo the phase reached once {@code awaiting} is applied (QUARANTINED or ABORTED), or
 *     null
 * @param failures reports of failure (deferred or rejected) since the last success
 * @param problem the latest failure's reason, or null once a command succeeded
 * @param alarm raised when a rollback was rejected or failed {@link #ALARM_AFTER} times: a human
 *     must look
 */
public record Actuation(
    String awaiting, Phase settlesTo, int failures, String problem, boolean alarm) {

  /** Failures of a rollback after which the alarm is raised even if each was transient. */
  public static final int ALARM_AFTER = 3;

  public static final Actuation NONE = new Actuation(null, null, 0, null, false);

  /** Waiting for rollback {@code commandId}, to settle into {@code target}. */
  Actuation awaitingRollback(String commandId, Phase target) {
    return new Actuation(commandId, target, failures, problem, alarm);
  }

  Actuation succeeded() {
    return new Actuation(awaiting, settlesTo, 0, null, alarm);
  }

  Actuation failed(String reason, boolean raiseAlarm) {
    return new Actuation(awaiting, settlesTo, failures + 1, reason, alarm || raiseAlarm);
  }

  /** The rollback is done: nothing is awaited, and the alarm it caused is over. */
  Actuation settled() {
    return new Actuation(null, null, 0, null, false);
  }
}
