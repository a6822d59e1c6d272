package dev.aegis.operators.routing;

import java.util.List;

/**
 * Splits one service's traffic between its stable and canary workloads. Implementations describe
 * the change as {@link ObjectEdit}s and write nothing themselves, so the actuator can order, merge,
 * mark and write the edits of a whole command in one place.
 */
public interface TrafficRouter {

  /** What routes the traffic, for details and logs, e.g. {@code Istio VirtualService}. */
  String describe();

  /** Whether this router's routing object for the service exists (used by AUTO detection). */
  boolean isConfiguredFor(String namespace, String service);

  /**
   * True when the canary receives traffic through its own Service {@code <service>-canary} (mesh
   * routers), so canary pods must stay out of the stable Service; false when canary pods share the
   * stable Service.
   */
  boolean routesToCanaryService();

  /** The edits that route the split's weights; an empty list when nothing needs changing. */
  List<ObjectEdit<?>> route(CanarySplit split);

  /**
   * How many canary replicas the split calls for. Behind a mesh, capacity follows the traffic
   * share, with at least one pod while the canary receives any traffic.
   */
  default int canaryReplicas(CanarySplit split) {
    return split.canaryWeight() == 0 ? 0 : Math.max(1, split.proportionalCanaryReplicas());
  }
}
