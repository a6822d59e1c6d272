package dev.aegis.operators.actuation;

import dev.aegis.operators.routing.GatewayApiHttpRouteRouter;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.routing.ReplicaRatioRouter;
import dev.aegis.operators.routing.SmiTrafficSplitRouter;
import dev.aegis.operators.routing.TrafficRouter;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;

/**
 * Chooses the router for a command: the kind it names, or for {@link RouterKind#AUTO} the first
 * routing object named like the service found in its namespace, in the order Istio VirtualService,
 * Gateway API HTTPRoute, SMI TrafficSplit, falling back to the replica ratio. Detection runs per
 * command, so a routing object created mid-experiment takes over from the next step.
 */
final class RouterSelection {

  private final TrafficRouter istio;
  private final TrafficRouter gatewayApi;
  private final TrafficRouter smi;
  private final TrafficRouter replicaRatio;

  RouterSelection(KubernetesClient client) {
    istio = new IstioVirtualServiceRouter(client);
    gatewayApi = new GatewayApiHttpRouteRouter(client);
    smi = new SmiTrafficSplitRouter(client);
    replicaRatio = new ReplicaRatioRouter(client);
  }

  TrafficRouter select(RouterKind kind, String namespace, String service) {
    return switch (kind) {
      case ISTIO -> istio;
      case GATEWAY_API -> gatewayApi;
      case SMI -> smi;
      case REPLICA_RATIO -> replicaRatio;
      case AUTO ->
          List.of(istio, gatewayApi, smi).stream()
              .filter(router -> router.isConfiguredFor(namespace, service))
              .findFirst()
              .orElse(replicaRatio);
    };
  }
}
