package dev.aegis.chaos;

/**
 * A fault that cannot be injected as asked; nothing was left on the cluster. {@link #reason()} is a
 * stable kebab-case code (API problem type, CLI exit), the message says what to change.
 */
public final class FaultRefusedException extends RuntimeException {

  /** A parameter out of range, missing, or not used by the kind; the message names the member. */
  public static final String INVALID_PARAMETERS = "invalid-parameters";

  /** The duration is not positive. */
  public static final String INVALID_DURATION = "invalid-duration";

  /** The duration is over the configured maximum. */
  public static final String DURATION_TOO_LONG = "duration-too-long";

  /** The target's Deployment (or a dependency's Service) does not exist. */
  public static final String NO_SUCH_WORKLOAD = "no-such-workload";

  /** Pod-kill: the target has no running pod. */
  public static final String NO_PODS = "no-pods";

  /** Pod-kill: any pod deleted would be all of them, and the share is below 1. */
  public static final String WOULD_KILL_ALL_PODS = "would-kill-all-pods";

  /**
   * A native HTTP fault on a canary would reach production traffic on the same route; not
   * consented.
   */
  public static final String HTTP_FAULT_NEEDS_PRODUCTION = "http-fault-needs-production";

  /** No VirtualService (with a route to the service) to carry a native HTTP fault. */
  public static final String NO_HTTP_FAULT_ROUTE = "no-http-fault-route";

  /**
   * Chaos Mesh is required (mode ALWAYS) but the kind's custom resource definition is not
   * installed.
   */
  public static final String CHAOS_MESH_MISSING = "chaos-mesh-missing";

  private final String reason;

  public FaultRefusedException(String reason, String message) {
    super(message);
    this.reason = reason;
  }

  public String reason() {
    return reason;
  }
}
