package dev.aegis.orchestrator.actuation;

/**
 * A cluster command on a service's production (V2) workload rather than on an experiment: stored in the
 * outbox like the lifecycle's commands, carried out by the same relay, in order with them per service.
 */
public sealed interface ServiceCommand permits ServiceCommand.RollBackProduction, ServiceCommand.ScaleStable {

  String id();

  String service();

  String namespace();

  default String kind() {
    return getClass().getSimpleName();
  }

  /**
   * Return production to the previous V2 (the pod template remembered at the last promotion), without
   * re-running analysis.
   *
   * @param fromVersion the V2 version being rolled back
   * @param toVersion the version production returns to
   */
  record RollBackProduction(String id, String service, String namespace, String fromVersion, String toVersion,
      String reason) implements ServiceCommand {}

  /** Scale the stable Deployment to {@code replicas}, kept within [{@code minReplicas}, {@code maxReplicas}]. */
  record ScaleStable(String id, String service, String namespace, int replicas, int minReplicas, int maxReplicas,
      String reason) implements ServiceCommand {}
}
