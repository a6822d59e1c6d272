package dev.aegis.operators.actuation;

/** What became of one {@link ActuationCommand}. */
public sealed interface ActuationResult
    permits ActuationResult.Applied, ActuationResult.Rejected, ActuationResult.Deferred {

  String commandId();

  /**
   * The cluster now has the command's effect. {@code alreadyApplied} is true when the id was found
   * recorded on the objects, so nothing was changed this time. {@code detail} says what was done,
   * for the audit.
   */
  record Applied(String commandId, boolean alreadyApplied, String detail)
      implements ActuationResult {}

  /**
   * The command cannot succeed as it stands (e.g. the stable Deployment does not exist, the API
   * refused the change as invalid or forbidden). Retrying it unchanged will not help.
   */
  record Rejected(String commandId, String reason) implements ActuationResult {}

  /**
   * The command could not be applied now (API unavailable, retries exhausted, circuit breaker
   * open); it must stay pending and be tried again later. Nothing was lost.
   */
  record Deferred(String commandId, String reason) implements ActuationResult {}
}
