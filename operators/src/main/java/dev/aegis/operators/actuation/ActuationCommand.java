package dev.aegis.operators.actuation;

/**
 * One change to carry out on the cluster. Every command has an id that is stable across retries and
 * restarts; the objects a command changes are annotated {@code aegis.dev/last-actuation=<id>}, so a
 * command whose id is already recorded on them changes nothing (exactly once in effect).
 *
 * <p>{@code service} names the stable Deployment (and Service) of the workload; the canary
 * Deployment is {@code <service>-canary}. {@code router} chooses how traffic is split; {@link
 * RouterKind#AUTO} detects it.
 */
public sealed interface ActuationCommand
    permits ActuationCommand.SetTrafficWeight,
        ActuationCommand.PromoteCandidate,
        ActuationCommand.RollBackCandidate,
        ActuationCommand.QuarantineCandidate,
        ActuationCommand.RollBackProduction,
        ActuationCommand.ScaleStable {

  String id();

  String service();

  String namespace();

  /**
   * Create or update {@code <service>-canary} from the stable Deployment with the candidate image
   * (first call), then route {@code weight} percent of traffic to it; stable gets the rest, weights
   * sum to 100.
   */
  record SetTrafficWeight(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String candidateImage,
      int weight,
      RouterKind router)
      implements ActuationCommand {}

  /**
   * Make the candidate production: the stable Deployment gets the canary's pod template (the
   * previous template is remembered as the rollback target), traffic returns to 100% stable, the
   * canary scales to 0.
   */
  record PromoteCandidate(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String candidateImage,
      RouterKind router)
      implements ActuationCommand {}

  /** Return all traffic to stable and scale the canary to 0. */
  record RollBackCandidate(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      RouterKind router,
      String reason)
      implements ActuationCommand {}

  /**
   * Put the candidate's workload into V3: weight 0, labelled {@code
   * aegis.dev/lifecycle=quarantined}, annotated with the RCA id; scaled to 0 or kept at one
   * isolated replica, as {@code shape} says.
   */
  record QuarantineCandidate(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String rcaId,
      QuarantineShape shape,
      RouterKind router)
      implements ActuationCommand {}

  /**
   * Fast rollback of production: the stable Deployment gets back the pod template remembered at the
   * last promotion, without re-running analysis.
   */
  record RollBackProduction(String id, String service, String namespace, String reason)
      implements ActuationCommand {}

  /** Scale the stable Deployment to {@code replicas}, clamped into [minReplicas, maxReplicas]. */
  record ScaleStable(
      String id, String service, String namespace, int replicas, int minReplicas, int maxReplicas)
      implements ActuationCommand {}
}
