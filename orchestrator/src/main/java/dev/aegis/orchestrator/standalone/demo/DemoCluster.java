package dev.aegis.orchestrator.standalone.demo;

import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.orchestrator.standalone.demo.DemoCatalogue.DemoService;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The demo services on the in-process Kubernetes API: what a platform team would have deployed
 * before Aegis (stable Deployment, Service, and an Istio VirtualService), and what the simulator
 * reads back (the traffic weight Aegis gave the canary, the versions that run).
 */
final class DemoCluster {

  static final int REPLICAS = 10;

  private final KubernetesClient client;
  private final String namespace;

  DemoCluster(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
  }

  /** Creates what is missing; an existing object is left as it is. */
  void seed() {
    for (DemoService s : DemoCatalogue.SERVICES) {
      if (deployment(s.name()).isEmpty()) {
        client.resource(stableDeployment(s)).create();
      }
      if (client.services().inNamespace(namespace).withName(s.name()).get() == null) {
        client
            .resource(
                new ServiceBuilder()
                    .withNewMetadata()
                    .withName(s.name())
                    .withNamespace(namespace)
                    .endMetadata()
                    .withNewSpec()
                    .addToSelector("app", s.name())
                    .addNewPort()
                    .withName("http")
                    .withPort(80)
                    .withTargetPort(new IntOrString(8080))
                    .endPort()
                    .endSpec()
                    .build())
            .create();
      }
      // The mesh routes every demo service (a dependency outage is an abort on the dependency's
      // route), though
      // only checkout's canaries are split by it; payments' are split by replica ratio.
      if (virtualService(s.name()).isEmpty()) {
        client
            .genericKubernetesResources(IstioVirtualServiceRouter.VIRTUAL_SERVICE)
            .inNamespace(namespace)
            .resource(virtualServiceOf(s.name()))
            .create();
      }
    }
  }

  /**
   * The canary's share of traffic in percent, as the cluster routes it now: the VirtualService's
   * weight for {@code <service>-canary} when the service's canaries are routed by Istio, else the
   * canary's share of the replicas.
   */
  int canaryWeight(String service) {
    Optional<GenericKubernetesResource> vs =
        "istio".equals(DemoCatalogue.of(service).router())
            ? virtualService(service)
            : Optional.empty();
    if (vs.isPresent()) {
      return istioWeight(vs.get(), service + "-canary");
    }
    int canary = deployment(service + "-canary").map(d -> replicas(d)).orElse(0);
    int stable = deployment(service).map(d -> replicas(d)).orElse(0);
    return canary + stable == 0 ? 0 : (int) Math.round(100.0 * canary / (canary + stable));
  }

  /** The version the stable Deployment runs (its image tag). */
  Optional<String> stableVersion(String service) {
    return deployment(service).map(DemoCluster::imageTag);
  }

  /**
   * The candidate version the canary Deployment runs, if there is a canary that is not quarantined.
   */
  Optional<String> canaryVersion(String service) {
    return deployment(service + "-canary")
        .filter(d -> !"quarantined".equals(labels(d).get(AegisMetadata.LIFECYCLE)))
        .map(DemoCluster::imageTag);
  }

  private Optional<Deployment> deployment(String name) {
    return Optional.ofNullable(
        client.apps().deployments().inNamespace(namespace).withName(name).get());
  }

  private Optional<GenericKubernetesResource> virtualService(String name) {
    return Optional.ofNullable(
        client
            .genericKubernetesResources(IstioVirtualServiceRouter.VIRTUAL_SERVICE)
            .inNamespace(namespace)
            .withName(name)
            .get());
  }

  private Deployment stableDeployment(DemoService s) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(s.name())
        .withNamespace(namespace)
        .addToLabels("app", s.name())
        .endMetadata()
        .withNewSpec()
        .withReplicas(REPLICAS)
        .withNewSelector()
        .addToMatchLabels("app", s.name())
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", s.name())
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(s.name())
        .withImage(DemoCatalogue.image(s.name(), s.stableVersion()))
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private GenericKubernetesResource virtualServiceOf(String service) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion("networking.istio.io/v1")
        .withKind("VirtualService")
        .withNewMetadata()
        .withName(service)
        .withNamespace(namespace)
        .endMetadata()
        .addToAdditionalProperties(
            "spec",
            Map.of(
                "hosts",
                List.of(service),
                "http",
                List.of(
                    Map.of(
                        "name",
                        "primary",
                        "route",
                        List.of(
                            Map.of(
                                "destination",
                                Map.of("host", service, "port", Map.of("number", 80))))))))
        .build();
  }

  @SuppressWarnings("unchecked")
  private static int istioWeight(GenericKubernetesResource vs, String canaryHost) {
    Map<String, Object> spec = (Map<String, Object>) vs.getAdditionalProperties().get("spec");
    for (Object http : (List<Object>) spec.getOrDefault("http", List.of())) {
      for (Object route :
          (List<Object>) ((Map<String, Object>) http).getOrDefault("route", List.of())) {
        Map<String, Object> entry = (Map<String, Object>) route;
        Map<String, Object> destination = (Map<String, Object>) entry.get("destination");
        String host = String.valueOf(destination.get("host"));
        if (host.equals(canaryHost) || host.startsWith(canaryHost + ".")) {
          Object weight = entry.get("weight");
          return weight instanceof Number n ? n.intValue() : 0;
        }
      }
    }
    return 0;
  }

  private static int replicas(Deployment d) {
    return d.getSpec().getReplicas() == null ? 0 : d.getSpec().getReplicas();
  }

  private static Map<String, String> labels(Deployment d) {
    return d.getMetadata().getLabels() == null ? Map.of() : d.getMetadata().getLabels();
  }

  private static String imageTag(Deployment d) {
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    return image.substring(image.lastIndexOf(':') + 1);
  }
}
