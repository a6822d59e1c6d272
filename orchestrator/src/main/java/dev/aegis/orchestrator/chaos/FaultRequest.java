package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.FaultParameters;
import java.time.Duration;

/**
 * The body of {@code POST /api/v1/chaos/faults}: a fault on {@code target}, or on the canary of
 * {@code experimentId} (then {@code target} may be left out, or must name the same service).
 *
 * @param production consent to hit production (the stable track, or a service with no canary under
 *     analysis)
 * @param reason why, for the audit log and the fault's record
 */
public record FaultRequest(
    String kind,
    Target target,
    String experimentId,
    Duration duration,
    Boolean production,
    FaultParameters parameters,
    String reason) {

  /** {@code track}: {@code canary} (default) or {@code stable}. */
  public record Target(String namespace, String service, String track) {}
}
