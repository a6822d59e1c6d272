package dev.aegis.operators.routing;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Gateway API: sets the backendRef weights of the rules of HTTPRoute {@code <service>} ({@code
 * gateway.networking.k8s.io/v1}) that lead to Service {@code <service>}, to that Service and to
 * {@code <service>-canary} on the same port. Parent refs, matches and filters are left alone.
 */
public final class GatewayApiHttpRouteRouter extends MeshRouter {

  public static final ResourceDefinitionContext HTTP_ROUTE =
      definition("gateway.networking.k8s.io", "v1", "httproutes", "HTTPRoute");

  public GatewayApiHttpRouteRouter(KubernetesClient client) {
    super(client, HTTP_ROUTE);
  }

  @Override
  void setWeights(Map<String, Object> spec, CanarySplit split, String where) {
    boolean routed = false;
    for (Object item : asList(spec.get("rules"))) {
      Map<String, Object> rule = asMap(item);
      List<Map<String, Object>> backends =
          asList(rule.get("backendRefs")).stream().map(MeshRouter::asMap).toList();
      Map<String, Object> stable =
          backends.stream()
              .filter(
                  b -> isServiceIn(b, split.namespace()) && split.service().equals(b.get("name")))
              .findFirst()
              .orElse(null);
      if (stable == null) {
        continue;
      }
      backends.stream()
          .filter(
              b ->
                  !isServiceIn(b, split.namespace())
                      || !(split.service().equals(b.get("name"))
                          || split.canaryService().equals(b.get("name"))))
          .findFirst()
          .ifPresent(
              b -> {
                throw new UnsatisfiableEditException(
                    where
                        + " has a rule that also leads to "
                        + b.get("name")
                        + "; Aegis only splits rules between Services "
                        + split.service()
                        + " and "
                        + split.canaryService());
              });
      Map<String, Object> canary = new LinkedHashMap<>(stable);
      canary.put("name", split.canaryService());
      stable.put("weight", split.stableWeight());
      canary.put("weight", split.canaryWeight());
      rule.put("backendRefs", new ArrayList<>(List.of(stable, canary)));
      routed = true;
    }
    if (!routed) {
      throw new UnsatisfiableEditException(
          where + " has no rule with a backendRef to Service " + split.service());
    }
  }

  /**
   * A backendRef to a core Service in the route's own namespace (the defaults when fields are
   * absent).
   */
  private static boolean isServiceIn(Map<String, Object> backend, String namespace) {
    Object group = backend.getOrDefault("group", "");
    Object kind = backend.getOrDefault("kind", "Service");
    Object refNamespace = backend.getOrDefault("namespace", namespace);
    return "".equals(group) && "Service".equals(kind) && namespace.equals(refNamespace);
  }
}
