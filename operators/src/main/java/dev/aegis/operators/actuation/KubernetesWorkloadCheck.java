package dev.aegis.operators.actuation;

import dev.aegis.operators.routing.TrafficRouter;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the cluster lacks for Aegis to run a canary of a service, read before an experiment is
 * accepted, so a submission that the actuation could only fail is refused at once. It asks what
 * {@link KubernetesActuator} needs on its first traffic shift: the stable Deployment {@code
 * <service>}; for a mesh router, its routing object named like the service and the stable Service
 * the route leads to; for {@link RouterKind#AUTO}, the router that {@link RouterSelection} detects
 * (the first routing object present, else the replica ratio, which needs only the Deployment).
 * Kubernetes verbs: get on deployments, services and the routing kinds.
 */
public final class KubernetesWorkloadCheck {

  private final KubernetesClient client;
  private final RouterSelection routers;

  /**
   * @param client the cluster; not closed here
   */
  public KubernetesWorkloadCheck(KubernetesClient client) {
    this.client = client;
    this.routers = new RouterSelection(client);
  }

  /**
   * What is missing, one sentence per object (e.g. {@code Deployment shop/checkout not found});
   * empty when everything exists.
   *
   * @throws KubernetesClientException when the API server is unreachable or answers an error other
   *     than 404
   */
  public List<String> missing(String namespace, String service, RouterKind kind) {
    List<String> out = new ArrayList<>();
    String name = namespace + "/" + service;
    if (client.apps().deployments().inNamespace(namespace).withName(service).get() == null) {
      out.add("Deployment " + name + " not found: the stable workload must exist");
    }
    TrafficRouter router = routers.select(kind, namespace, service);
    if (kind != RouterKind.AUTO && !router.isConfiguredFor(namespace, service)) {
      out.add(
          kindOf(router)
              + " "
              + name
              + " not found: router "
              + kind.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
              + " sets the weights of an existing "
              + kindOf(router)
              + " named like the service and does not create one");
    }
    if (router.routesToCanaryService()
        && client.services().inNamespace(namespace).withName(service).get() == null) {
      out.add(
          "Service " + name + " not found: " + kindOf(router) + " routes to the stable Service");
    }
    return out;
  }

  /** The object kind of a mesh router's description, {@code VirtualService (group/version)}. */
  private static String kindOf(TrafficRouter router) {
    String d = router.describe();
    int paren = d.indexOf(" (");
    return paren < 0 ? d : d.substring(0, paren);
  }
}
