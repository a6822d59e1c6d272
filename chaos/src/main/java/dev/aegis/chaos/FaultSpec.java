package dev.aegis.chaos;

import java.time.Duration;

/**
 * One fault to inject: what, where, for how long. Faults always expire: {@code duration} is
 * positive and bounded by the configured maximum.
 */
public record FaultSpec(
    FaultKind kind, FaultTarget target, Duration duration, FaultParameters parameters) {

  public FaultSpec {
    parameters = parameters == null ? FaultParameters.NONE : parameters;
  }
}
