package dev.aegis.operators.actuation;

/**
 * The labels and annotations Aegis puts on the objects it manages. They are the cluster-side record
 * of what Aegis did (which command last changed an object, which template to roll back to, why a
 * workload is quarantined), so a restarted orchestrator, an SRE with {@code kubectl} and the
 * idempotency check all read the same facts. See docs/kubernetes.md.
 */
public final class AegisMetadata {

  /**
   * Annotation: the id of the last command that changed the object; a command found here is not
   * redone.
   */
  public static final String LAST_ACTUATION = "aegis.dev/last-actuation";

  /** Label on the canary Deployment and its pods: {@code canary}. */
  public static final String TRACK = "aegis.dev/track";

  /** Label on the canary Deployment and its pods: the service it is a canary of. */
  public static final String CANARY_OF = "aegis.dev/canary-of";

  /**
   * Label (sanitised to a label value) and annotation (exact) naming the version a workload runs.
   */
  public static final String VERSION = "aegis.dev/version";

  /** Label on the canary Deployment of a quarantined (V3) candidate: {@code quarantined}. */
  public static final String LIFECYCLE = "aegis.dev/lifecycle";

  /** Annotation on a quarantined canary and its NetworkPolicy: the RCA record's id. */
  public static final String RCA_ID = "aegis.dev/rca-id";

  /** Annotation on the stable Deployment: the pod template (JSON) before the last promotion. */
  public static final String ROLLBACK_TEMPLATE = "aegis.dev/rollback-template";

  /** Annotation on the stable Deployment: the version before the last promotion. */
  public static final String ROLLBACK_VERSION = "aegis.dev/rollback-version";

  /** Annotation on the canary Deployment: the stable replica count before the experiment. */
  public static final String TOTAL_REPLICAS = "aegis.dev/total-replicas";

  public static final String CANARY = "canary";
  public static final String QUARANTINED = "quarantined";

  private AegisMetadata() {}
}
