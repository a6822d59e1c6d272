package dev.aegis.operators.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.operators.testing.KubernetesApi;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What each mesh router changes in its routing object, and what it refuses to touch. */
class MeshRoutersTest {

  @RegisterExtension static final KubernetesApi api = new KubernetesApi();

  private static final CanarySplit TEN_PERCENT = new CanarySplit("shop", "cart", 10, 4);

  @Test
  void istioKeepsTheHostFormPortAndRouteSettings() {
    GenericKubernetesResource vs = mutableCopy(ClusterFixtures.virtualService("shop", "cart"));
    MeshRouter.asMap(MeshRouter.asList(spec(vs).get("http")).get(0))
        .put(
            "route",
            List.of(
                Map.of(
                    "destination",
                    Map.of("host", "cart.shop.svc.cluster.local", "port", Map.of("number", 80)))));

    GenericKubernetesResource routed =
        route(new IstioVirtualServiceRouter(api.client()), vs, TEN_PERCENT);

    Map<String, Object> result =
        MeshRouter.asMap(MeshRouter.asList(spec(routed).get("http")).get(0));
    assertThat(result).containsEntry("name", "primary").containsEntry("timeout", "5s");
    assertThat(result.get("route"))
        .isEqualTo(
            List.of(
                Map.of(
                    "destination",
                    Map.of("host", "cart.shop.svc.cluster.local", "port", Map.of("number", 80)),
                    "weight",
                    90),
                Map.of(
                    "destination",
                    Map.of(
                        "host", "cart-canary.shop.svc.cluster.local", "port", Map.of("number", 80)),
                    "weight",
                    10)));
  }

  @Test
  void istioRefusesARouteThatAlsoLeadsElsewhere() {
    GenericKubernetesResource vs = mutableCopy(ClusterFixtures.virtualService("shop", "cart"));
    spec(vs)
        .put(
            "http",
            List.of(
                Map.of(
                    "route",
                    List.of(
                        Map.of("destination", Map.of("host", "cart"), "weight", 80),
                        Map.of("destination", Map.of("host", "legacy-cart"), "weight", 20)))));

    assertThatThrownBy(() -> route(new IstioVirtualServiceRouter(api.client()), vs, TEN_PERCENT))
        .isInstanceOf(UnsatisfiableEditException.class)
        .hasMessageContaining("legacy-cart");
  }

  @Test
  void istioLeavesRoutesToOtherServicesAlone() {
    GenericKubernetesResource vs = mutableCopy(ClusterFixtures.virtualService("shop", "cart"));
    Map<String, Object> payments =
        Map.of(
            "match",
            List.of(Map.of("uri", Map.of("prefix", "/pay"))),
            "route",
            List.of(Map.of("destination", Map.of("host", "payments"))));
    List<Object> http = new ArrayList<>(List.of(payments));
    http.addAll(MeshRouter.asList(spec(vs).get("http")));
    spec(vs).put("http", http);

    GenericKubernetesResource routed =
        route(new IstioVirtualServiceRouter(api.client()), vs, TEN_PERCENT);

    List<Object> result = MeshRouter.asList(spec(routed).get("http"));
    assertThat(result.get(0)).isEqualTo(payments);
    assertThat(MeshRouter.asList(MeshRouter.asMap(result.get(1)).get("route"))).hasSize(2);
  }

  @Test
  void istioRefusesAVirtualServiceWithoutARouteToTheService() {
    GenericKubernetesResource vs = mutableCopy(ClusterFixtures.virtualService("shop", "cart"));
    spec(vs)
        .put(
            "http",
            List.of(Map.of("route", List.of(Map.of("destination", Map.of("host", "payments"))))));

    assertThatThrownBy(() -> route(new IstioVirtualServiceRouter(api.client()), vs, TEN_PERCENT))
        .isInstanceOf(UnsatisfiableEditException.class)
        .hasMessageContaining("has no http route to host cart");
  }

  @Test
  void gatewayApiKeepsParentRefsMatchesAndPort() {
    GenericKubernetesResource route =
        route(
            new GatewayApiHttpRouteRouter(api.client()),
            ClusterFixtures.httpRoute("shop", "cart"),
            TEN_PERCENT);

    assertThat(spec(route).get("parentRefs")).isEqualTo(List.of(Map.of("name", "public")));
    Map<String, Object> rule = MeshRouter.asMap(MeshRouter.asList(spec(route).get("rules")).get(0));
    assertThat(rule).containsKey("matches");
    assertThat(rule.get("backendRefs"))
        .isEqualTo(
            List.of(
                Map.of("name", "cart", "port", 80, "weight", 90),
                Map.of("name", "cart-canary", "port", 80, "weight", 10)));
  }

  @Test
  void gatewayApiRefusesABackendInAnotherNamespace() {
    GenericKubernetesResource httpRoute = mutableCopy(ClusterFixtures.httpRoute("shop", "cart"));
    spec(httpRoute)
        .put(
            "rules",
            List.of(
                Map.of(
                    "backendRefs",
                    List.of(
                        Map.of("name", "cart", "namespace", "shop"),
                        Map.of("name", "cart", "namespace", "other")))));

    assertThatThrownBy(
            () -> route(new GatewayApiHttpRouteRouter(api.client()), httpRoute, TEN_PERCENT))
        .isInstanceOf(UnsatisfiableEditException.class);
  }

  @Test
  void smiSplitsBetweenTheServiceAndItsCanary() {
    GenericKubernetesResource split =
        route(
            new SmiTrafficSplitRouter(api.client()),
            ClusterFixtures.trafficSplit("shop", "cart"),
            new CanarySplit("shop", "cart", 50, 4));

    assertThat(spec(split)).containsEntry("service", "cart");
    assertThat(spec(split).get("backends"))
        .isEqualTo(
            List.of(
                Map.of("service", "cart", "weight", 50),
                Map.of("service", "cart-canary", "weight", 50)));
  }

  @Test
  void smiRefusesAForeignBackend() {
    GenericKubernetesResource split = mutableCopy(ClusterFixtures.trafficSplit("shop", "cart"));
    spec(split).put("backends", List.of(Map.of("service", "cart-v0", "weight", 100)));

    assertThatThrownBy(() -> route(new SmiTrafficSplitRouter(api.client()), split, TEN_PERCENT))
        .isInstanceOf(UnsatisfiableEditException.class)
        .hasMessageContaining("cart-v0");
  }

  @SuppressWarnings("unchecked")
  private static GenericKubernetesResource route(
      TrafficRouter router, GenericKubernetesResource resource, CanarySplit split) {
    ObjectEdit<GenericKubernetesResource> edit =
        (ObjectEdit<GenericKubernetesResource>) router.route(split).get(0);
    assertThat(edit.key()).endsWith(" shop/cart");
    return edit.applyTo(mutableCopy(resource));
  }

  /** A copy whose maps and lists can be changed, as a resource read from the API server is. */
  private static GenericKubernetesResource mutableCopy(GenericKubernetesResource resource) {
    var serialization = api.client().getKubernetesSerialization();
    return serialization.unmarshal(serialization.asJson(resource), GenericKubernetesResource.class);
  }

  private static Map<String, Object> spec(GenericKubernetesResource resource) {
    return MeshRouter.asMap(resource.getAdditionalProperties().get("spec"));
  }
}
