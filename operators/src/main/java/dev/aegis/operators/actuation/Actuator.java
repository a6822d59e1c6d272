package dev.aegis.operators.actuation;

/**
 * The port through which the orchestrator's outbox relay carries out commands on a cluster.
 * Implementations must be idempotent per command id and must never throw for an API failure: they
 * answer {@link ActuationResult.Deferred} or {@link ActuationResult.Rejected} instead.
 */
@FunctionalInterface
public interface Actuator {

  ActuationResult apply(ActuationCommand command);
}
