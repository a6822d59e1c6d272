package dev.aegis.chaos;

import static dev.aegis.chaos.ChaosObjects.asList;
import static dev.aegis.chaos.ChaosObjects.asMap;
import static dev.aegis.chaos.ChaosObjects.deepCopy;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.HttpURLConnection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Native HTTP faults on an Istio VirtualService ({@code networking.istio.io/v1}) named like the
 * service.
 *
 * <p>Istio applies a {@code fault} to a whole HTTP route, before it picks one of the route's
 * weighted destinations; a fault cannot be confined to the canary destination. So an injection adds
 * a new first route {@code aegis-fault-<faultId>} that copies the service's main route (its match,
 * destinations and weights, timeouts) and carries the fault; requests the main route would take now
 * take the fault route. Removing that route by name undoes the fault and leaves everything else,
 * including weights Aegis's router changed since (the router sets the weights of every route to the
 * service, the fault route's too).
 *
 * <p>The Gateway API HTTPRoute has no standard fault filter, so a service routed only by an
 * HTTPRoute gets no native HTTP fault.
 */
final class VirtualServiceFaults {

  private static final int ATTEMPTS = 5;

  private final KubernetesClient client;

  VirtualServiceFaults(KubernetesClient client) {
    this.client = client;
  }

  /**
   * The main HTTP route of VirtualService {@code namespace/service}: the first that leads to the
   * service (or its canary) and is not a fault route. Refused with {@code no-http-fault-route} when
   * there is none.
   */
  Map<String, Object> mainRoute(String namespace, String service) {
    GenericKubernetesResource vs = get(namespace, service);
    if (vs == null) {
      boolean httpRoute =
          client
                  .genericKubernetesResources(ChaosObjects.HTTP_ROUTE)
                  .inNamespace(namespace)
                  .withName(service)
                  .get()
              != null;
      throw new FaultRefusedException(
          FaultRefusedException.NO_HTTP_FAULT_ROUTE,
          httpRoute
              ? namespace
                  + "/"
                  + service
                  + " is routed by a Gateway API HTTPRoute, which has no standard fault filter;"
                  + " inject HTTP faults with Chaos Mesh's HTTPChaos (install Chaos Mesh) or route it with an Istio"
                  + " VirtualService"
              : "no Istio VirtualService "
                  + namespace
                  + "/"
                  + service
                  + " to carry a native HTTP fault; create one"
                  + " or install Chaos Mesh (HTTPChaos)");
    }
    return findMainRoute(spec(vs), service)
        .orElseThrow(
            () ->
                new FaultRefusedException(
                    FaultRefusedException.NO_HTTP_FAULT_ROUTE,
                    "VirtualService "
                        + namespace
                        + "/"
                        + service
                        + " has no http route to host "
                        + service));
  }

  /**
   * A fault route named {@code routeName}: a copy of {@code main} with {@code fault}, and with
   * {@code matchExtra} added to each of its matches (or as its only match) when not empty.
   */
  static Map<String, Object> faultRoute(
      Map<String, Object> main,
      String routeName,
      Map<String, Object> fault,
      Map<String, Object> matchExtra) {
    Map<String, Object> route = asMap(deepCopy(main));
    route.remove("name");
    route.remove("fault");
    Map<String, Object> shaped = new LinkedHashMap<>();
    shaped.put("name", routeName);
    if (!matchExtra.isEmpty()) {
      List<Object> matches = asList(route.remove("match"));
      List<Object> combined = new ArrayList<>();
      if (matches.isEmpty()) {
        combined.add(new LinkedHashMap<>(matchExtra));
      }
      for (Object match : matches) {
        Map<String, Object> m = asMap(match);
        m.putAll(matchExtra);
        combined.add(m);
      }
      shaped.put("match", combined);
    }
    shaped.putAll(route);
    shaped.put("fault", fault);
    return shaped;
  }

  /** Puts {@code route} first among the HTTP routes of VirtualService {@code namespace/name}. */
  void addFirst(String namespace, String name, Map<String, Object> route) {
    edit(
        namespace,
        name,
        spec -> {
          List<Object> http = new ArrayList<>(asList(spec.get("http")));
          http.removeIf(r -> route.get("name").equals(asMap(r).get("name")));
          http.add(0, route);
          spec.put("http", http);
          return spec;
        });
  }

  /**
   * Removes the HTTP route {@code routeName} from VirtualService {@code namespace/name}; false when
   * the object or the route is already gone.
   */
  boolean remove(String namespace, String name, String routeName) {
    boolean[] removed = {false};
    boolean found =
        edit(
            namespace,
            name,
            spec -> {
              List<Object> http = new ArrayList<>(asList(spec.get("http")));
              removed[0] = http.removeIf(r -> routeName.equals(asMap(r).get("name")));
              if (!removed[0]) {
                return null;
              }
              spec.put("http", http);
              return spec;
            });
    return found && removed[0];
  }

  /**
   * Reads, changes and writes (guarded by resourceVersion, retried on conflict); false if not
   * found.
   */
  private boolean edit(String namespace, String name, UnaryOperator<Map<String, Object>> change) {
    for (int attempt = 1; ; attempt++) {
      GenericKubernetesResource vs = get(namespace, name);
      if (vs == null) {
        return false;
      }
      if (change.apply(spec(vs)) == null) {
        return true;
      }
      try {
        client
            .genericKubernetesResources(ChaosObjects.VIRTUAL_SERVICE)
            .inNamespace(namespace)
            .resource(vs)
            .update();
        return true;
      } catch (KubernetesClientException e) {
        if (e.getCode() != HttpURLConnection.HTTP_CONFLICT || attempt >= ATTEMPTS) {
          throw e;
        }
      }
    }
  }

  private GenericKubernetesResource get(String namespace, String name) {
    return client
        .genericKubernetesResources(ChaosObjects.VIRTUAL_SERVICE)
        .inNamespace(namespace)
        .withName(name)
        .get();
  }

  private static Optional<Map<String, Object>> findMainRoute(
      Map<String, Object> spec, String service) {
    for (Object http : asList(spec.get("http"))) {
      Map<String, Object> route = asMap(http);
      if (String.valueOf(route.get("name")).startsWith("aegis-fault-")) {
        continue;
      }
      boolean toService =
          asList(route.get("route")).stream()
              .map(d -> String.valueOf(asMap(asMap(d).get("destination")).get("host")))
              .anyMatch(host -> isHostOf(host, service) || isHostOf(host, service + "-canary"));
      if (toService) {
        return Optional.of(route);
      }
    }
    return Optional.empty();
  }

  private static boolean isHostOf(String host, String service) {
    return host.equals(service) || host.startsWith(service + ".");
  }

  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    Object spec = resource.getAdditionalProperties().get("spec");
    if (!(spec instanceof Map)) {
      Map<String, Object> created = new LinkedHashMap<>();
      resource.getAdditionalProperties().put("spec", created);
      return created;
    }
    return asMap(spec);
  }
}
