package dev.aegis.operators.actuation;

import java.util.function.BooleanSupplier;

/**
 * The port through which the orchestrator's outbox relay carries out commands on a cluster.
 * Implementations must be idempotent per command id and must never throw for an API failure: they
 * answer {@link ActuationResult.Deferred} or {@link ActuationResult.Rejected} instead.
 */
@FunctionalInterface
public interface Actuator {

  ActuationResult apply(ActuationCommand command);

  /**
   * {@link #apply(ActuationCommand)} for a caller that holds the command for a while only (a
   * relay's lease): {@code mayWrite} is asked before each object is written, after it is read, and
   * once it answers false nothing more is written and the result is {@link
   * ActuationResult.Deferred}. A write that follows a true answer carries the resourceVersion read
   * before it, so a later command's write in between fails it. This default asks once, before the
   * call.
   */
  default ActuationResult apply(ActuationCommand command, BooleanSupplier mayWrite) {
    if (!mayWrite.getAsBoolean()) {
      return new ActuationResult.Deferred(
          command.id(), new LeaseLostException("the first object").getMessage());
    }
    return apply(command);
  }
}
