package dev.aegis.operators.routing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Istio: sets the weights of the HTTP routes of VirtualService {@code <service>} ({@code
 * networking.istio.io/v1}) whose destinations are the service's host, to the stable host and the
 * canary host {@code <service>-canary} (same form: short name or FQDN, same port). TCP and TLS
 * routes are left alone.
 */
public final class IstioVirtualServiceRouter extends MeshRouter {

  public static final ResourceDefinitionContext VIRTUAL_SERVICE =
      definition("networking.istio.io", "v1", "virtualservices", "VirtualService");

  public IstioVirtualServiceRouter(KubernetesClient client) {
    super(client, VIRTUAL_SERVICE);
  }

  @Override
  void setWeights(Map<String, Object> spec, CanarySplit split, String where) {
    boolean routed = false;
    for (Object http : asList(spec.get("http"))) {
      Map<String, Object> route = asMap(http);
      List<Map<String, Object>> destinations =
          asList(route.get("route")).stream()
              .map(entry -> asMap(asMap(entry).get("destination")))
              .toList();
      Map<String, Object> stable =
          destinations.stream()
              .filter(d -> isHostOf(String.valueOf(d.get("host")), split.service()))
              .findFirst()
              .orElse(null);
      if (stable == null) {
        continue;
      }
      destinations.stream()
          .map(d -> String.valueOf(d.get("host")))
          .filter(
              host -> !isHostOf(host, split.service()) && !isHostOf(host, split.canaryService()))
          .findFirst()
          .ifPresent(
              host -> {
                throw new UnsatisfiableEditException(
                    where
                        + " routes to "
                        + host
                        + " next to "
                        + split.service()
                        + "; Aegis only splits routes between "
                        + split.service()
                        + " and "
                        + split.canaryService());
              });
      Map<String, Object> canary = new LinkedHashMap<>(stable);
      String host = String.valueOf(stable.get("host"));
      canary.put("host", split.canaryService() + host.substring(split.service().length()));
      route.put(
          "route",
          new ArrayList<>(
              List.of(
                  weighted(stable, split.stableWeight()), weighted(canary, split.canaryWeight()))));
      routed = true;
    }
    if (!routed) {
      throw new UnsatisfiableEditException(where + " has no http route to host " + split.service());
    }
  }

  /**
   * {@code cart}, {@code cart.shop}, {@code cart.shop.svc.cluster.local} are hosts of service
   * {@code cart}.
   */
  private static boolean isHostOf(String host, String service) {
    return host.equals(service) || host.startsWith(service + ".");
  }

  private static Map<String, Object> weighted(Map<String, Object> destination, int weight) {
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("destination", destination);
    entry.put("weight", weight);
    return entry;
  }
}
