package dev.aegis.operators.testing;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.List;
import java.util.Map;

/**
 * Workloads as a platform team would have them before Aegis touches them: a stable Deployment and
 * Service named like the service ({@code app=<service>}), and optionally the routing object a mesh
 * or gateway owner would have written. Create them with an unchecked client ({@link
 * KubernetesApi#adminClient()}).
 */
public final class ClusterFixtures {

  private ClusterFixtures() {}

  /** A Deployment {@code service} running {@code image} in a container named like the service. */
  public static Deployment stableDeployment(
      String namespace, String service, String image, int replicas) {
    return new DeploymentBuilder()
        .withNewMetadata()
        .withName(service)
        .withNamespace(namespace)
        .addToLabels("app", service)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", service)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", service)
        .addToLabels("tier", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName(service)
        .withImage(image)
        .addNewPort()
        .withContainerPort(8080)
        .endPort()
        .endContainer()
        .addNewContainer()
        .withName("log-shipper")
        .withImage("fluent-bit:3.0")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Creates {@link #stableDeployment} through {@code client} and returns it as created. */
  public static Deployment createStableDeployment(
      KubernetesClient client, String namespace, String service, String image, int replicas) {
    return client
        .apps()
        .deployments()
        .inNamespace(namespace)
        .resource(stableDeployment(namespace, service, image, replicas))
        .create();
  }

  /** A ClusterIP Service {@code service} selecting {@code app=<service>} on port 80 → 8080. */
  public static Service stableService(String namespace, String service) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName(service)
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .addToSelector("app", service)
        .withType("ClusterIP")
        .addNewPort()
        .withName("http")
        .withPort(80)
        .withTargetPort(new IntOrString(8080))
        .endPort()
        .endSpec()
        .build();
  }

  /**
   * An Istio VirtualService {@code service} for the mesh, one HTTP route to host {@code service}.
   */
  public static GenericKubernetesResource virtualService(String namespace, String service) {
    return resource(
        "networking.istio.io/v1",
        "VirtualService",
        namespace,
        service,
        Map.of(
            "hosts", List.of(service),
            "http",
                List.of(
                    Map.of(
                        "name", "primary",
                        "timeout", "5s",
                        "route",
                            List.of(
                                Map.of(
                                    "destination",
                                    Map.of("host", service, "port", Map.of("number", 80))))))));
  }

  /**
   * A Gateway API HTTPRoute {@code service} attached to gateway {@code public}, one rule to the
   * Service.
   */
  public static GenericKubernetesResource httpRoute(String namespace, String service) {
    return resource(
        "gateway.networking.k8s.io/v1",
        "HTTPRoute",
        namespace,
        service,
        Map.of(
            "parentRefs", List.of(Map.of("name", "public")),
            "hostnames", List.of(service + ".example.com"),
            "rules",
                List.of(
                    Map.of(
                        "matches",
                            List.of(Map.of("path", Map.of("type", "PathPrefix", "value", "/"))),
                        "backendRefs", List.of(Map.of("name", service, "port", 80))))));
  }

  /** An SMI TrafficSplit {@code service} (v1alpha4) with all traffic on the Service. */
  public static GenericKubernetesResource trafficSplit(String namespace, String service) {
    return resource(
        "split.smi-spec.io/v1alpha4",
        "TrafficSplit",
        namespace,
        service,
        Map.of("service", service, "backends", List.of(Map.of("service", service, "weight", 100))));
  }

  /**
   * Creates {@code resource} through {@code client} as the generic resource of {@code definition}.
   */
  public static GenericKubernetesResource create(
      KubernetesClient client,
      ResourceDefinitionContext definition,
      GenericKubernetesResource resource) {
    return client
        .genericKubernetesResources(definition)
        .inNamespace(resource.getMetadata().getNamespace())
        .resource(resource)
        .create();
  }

  private static GenericKubernetesResource resource(
      String apiVersion, String kind, String namespace, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .withNamespace(namespace)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
