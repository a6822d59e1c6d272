package dev.aegis.operators.actuation;

import static dev.aegis.operators.testing.ClusterFixtures.create;

import dev.aegis.operators.routing.GatewayApiHttpRouteRouter;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.routing.SmiTrafficSplitRouter;
import dev.aegis.operators.testing.ClusterFixtures;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The service {@code shop/cart} the actuation tests work on, seeded for one router, and ways to
 * read it back.
 */
final class Shop {

  static final String NS = "shop";
  static final String CART = "cart";
  static final String CANARY = "cart-canary";
  static final String STABLE_IMAGE = "registry.example/cart:1.0";
  static final String CANDIDATE_IMAGE = "registry.example/cart:1.1";
  static final String CANDIDATE = "1.1";
  static final int REPLICAS = 4;

  private final KubernetesClient admin;

  Shop(KubernetesClient admin) {
    this.admin = admin;
  }

  /** The stable Deployment and Service, plus the routing object {@code router} edits. */
  Shop seed(RouterKind router) {
    ClusterFixtures.createStableDeployment(admin, NS, CART, STABLE_IMAGE, REPLICAS);
    admin.services().inNamespace(NS).resource(ClusterFixtures.stableService(NS, CART)).create();
    switch (router) {
      case ISTIO ->
          create(
              admin,
              IstioVirtualServiceRouter.VIRTUAL_SERVICE,
              ClusterFixtures.virtualService(NS, CART));
      case GATEWAY_API ->
          create(admin, GatewayApiHttpRouteRouter.HTTP_ROUTE, ClusterFixtures.httpRoute(NS, CART));
      case SMI ->
          create(
              admin, SmiTrafficSplitRouter.TRAFFIC_SPLIT, ClusterFixtures.trafficSplit(NS, CART));
      case REPLICA_RATIO, AUTO -> {}
    }
    return this;
  }

  Deployment deployment(String name) {
    return admin.apps().deployments().inNamespace(NS).withName(name).get();
  }

  GenericKubernetesResource routing(RouterKind router) {
    return admin
        .genericKubernetesResources(definition(router))
        .inNamespace(NS)
        .withName(CART)
        .get();
  }

  /**
   * The split as the router holds it: weight per backend for mesh routers (keys {@code cart},
   * {@code cart-canary}), replicas per Deployment for the replica ratio.
   */
  Map<String, Integer> split(RouterKind router) {
    Map<String, Integer> split = new LinkedHashMap<>();
    if (router == RouterKind.REPLICA_RATIO) {
      split.put(CART, deployment(CART).getSpec().getReplicas());
      Deployment canary = deployment(CANARY);
      split.put(CANARY, canary == null ? 0 : canary.getSpec().getReplicas());
      return split;
    }
    Map<String, Object> spec = map(routing(router).getAdditionalProperties().get("spec"));
    switch (router) {
      case ISTIO ->
          list(map(list(spec.get("http")).get(0)).get("route"))
              .forEach(
                  r ->
                      split.put(
                          String.valueOf(map(map(r).get("destination")).get("host")), weight(r)));
      case GATEWAY_API ->
          list(map(list(spec.get("rules")).get(0)).get("backendRefs"))
              .forEach(b -> split.put(String.valueOf(map(b).get("name")), weight(b)));
      case SMI ->
          list(spec.get("backends"))
              .forEach(b -> split.put(String.valueOf(map(b).get("service")), weight(b)));
      default -> throw new IllegalArgumentException(router.name());
    }
    return split;
  }

  /** A single destination without a weight takes all the traffic. */
  private static int weight(Object entry) {
    return ((Number) map(entry).getOrDefault("weight", 100)).intValue();
  }

  static boolean isMesh(RouterKind router) {
    return router != RouterKind.REPLICA_RATIO;
  }

  static ResourceDefinitionContext definition(RouterKind router) {
    return switch (router) {
      case ISTIO -> IstioVirtualServiceRouter.VIRTUAL_SERVICE;
      case GATEWAY_API -> GatewayApiHttpRouteRouter.HTTP_ROUTE;
      case SMI -> SmiTrafficSplitRouter.TRAFFIC_SPLIT;
      default -> throw new IllegalArgumentException(router + " has no routing object");
    };
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object value) {
    return (List<Object>) value;
  }
}
