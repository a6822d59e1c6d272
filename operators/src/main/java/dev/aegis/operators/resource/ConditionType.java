package dev.aegis.operators.resource;

/**
 * The condition types an {@link ExperimentResource}'s status carries. Submitted, Progressing and
 * (once the orchestrator has reported) ActuationPending are always present; Promoted and
 * Quarantined appear when reached, so {@code kubectl wait --for=condition=Promoted} waits until the
 * candidate is production.
 */
public enum ConditionType {
  /** True once the orchestrator accepted the submission, False when it refused it. */
  SUBMITTED("Submitted"),
  /** True while the experiment may still change; False once it ended or was refused. */
  PROGRESSING("Progressing"),
  /**
   * True while a command for the experiment waits to be applied to the cluster (API down, breaker
   * open).
   */
  ACTUATION_PENDING("ActuationPending"),
  /** The candidate became production (V2). */
  PROMOTED("Promoted"),
  /** The candidate was quarantined (V3); the message names the RCA record. */
  QUARANTINED("Quarantined");

  private final String value;

  ConditionType(String value) {
    this.value = value;
  }

  /** The type as written to the resource. */
  public String value() {
    return value;
  }
}
