package dev.aegis.chaos;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: a fresh fabric8 Kubernetes API server in CRUD mode for each test, and the
 * objects a platform team would have for the demo-like services {@code checkout} (Istio
 * VirtualService, canary running) and {@code payments} (a dependency with its own VirtualService).
 */
final class MockCluster implements BeforeEachCallback, AfterEachCallback {

  static final String NS = "demo";

  private KubernetesMockServer server;
  private NamespacedKubernetesClient client;

  NamespacedKubernetesClient client() {
    return client;
  }

  /** The API server, for expectations that answer before the CRUD store (faults). */
  KubernetesMockServer server() {
    return server;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
    server =
        new KubernetesMockServer(
            new Context(Serialization.jsonMapper()),
            new MockWebServer(),
            responses,
            new KubernetesMixedDispatcher(responses),
            false);
    server.init();
    client = server.createClient();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    client.close();
    server.destroy();
  }

  /** Deployment {@code service} (selector app=service) with the demo's container and port 8080. */
  void stableDeployment(String service, int replicas) {
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(service)
                .withNamespace(NS)
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
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(service)
                .withImage("registry.local/demo/" + service + ":1.0.0")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  /** Deployment {@code service-canary} as the operators shape it behind a mesh. */
  void canaryDeployment(String service, int replicas) {
    Map<String, String> selector = canaryLabels(service);
    Map<String, String> podLabels = new LinkedHashMap<>(selector);
    podLabels.put("app", service + "-canary");
    client
        .resource(
            new DeploymentBuilder()
                .withNewMetadata()
                .withName(service + "-canary")
                .withNamespace(NS)
                .withLabels(selector)
                .endMetadata()
                .withNewSpec()
                .withReplicas(replicas)
                .withNewSelector()
                .withMatchLabels(selector)
                .endSelector()
                .withNewTemplate()
                .withNewMetadata()
                .withLabels(podLabels)
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName(service)
                .withImage("registry.local/demo/" + service + ":2.0.0")
                .addNewPort()
                .withContainerPort(8080)
                .endPort()
                .endContainer()
                .endSpec()
                .endTemplate()
                .endSpec()
                .build())
        .create();
  }

  static Map<String, String> canaryLabels(String service) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("aegis.dev/canary-of", service);
    labels.put("aegis.dev/track", "canary");
    return labels;
  }

  /** {@code count} pods named {@code prefix-<i>} with {@code labels}. */
  List<String> pods(String prefix, int count, Map<String, String> labels) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Pod pod =
          new PodBuilder()
              .withNewMetadata()
              .withName(prefix + "-" + i)
              .withNamespace(NS)
              .withLabels(labels)
              .endMetadata()
              .withNewSpec()
              .addNewContainer()
              .withName("app")
              .withImage("app:1")
              .endContainer()
              .endSpec()
              .withNewStatus()
              .withPhase("Running")
              .endStatus()
              .build();
      client.resource(pod).create();
      names.add(pod.getMetadata().getName());
    }
    return names;
  }

  List<String> podNames() {
    return client.pods().inNamespace(NS).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  /** Service {@code service} selecting app=service on port 80 → 8080. */
  void service(String service) {
    client
        .resource(
            new ServiceBuilder()
                .withNewMetadata()
                .withName(service)
                .withNamespace(NS)
                .endMetadata()
                .withNewSpec()
                .addToSelector("app", service)
                .addNewPort()
                .withName("http")
                .withPort(80)
                .withTargetPort(new IntOrString(8080))
                .endPort()
                .endSpec()
                .build())
        .create();
  }

  /**
   * VirtualService {@code service} with its main route split 90/10 between stable and canary, as
   * Aegis routes it.
   */
  void virtualService(String service) {
    Map<String, Object> primary = new LinkedHashMap<>();
    primary.put("name", "primary");
    primary.put("match", List.of(Map.of("uri", Map.of("prefix", "/"))));
    primary.put("timeout", "5s");
    primary.put(
        "route",
        List.of(
            Map.of(
                "destination", Map.of("host", service, "port", Map.of("number", 80)), "weight", 90),
            Map.of(
                "destination",
                Map.of("host", service + "-canary", "port", Map.of("number", 80)),
                "weight",
                10)));
    Map<String, Object> other =
        Map.of(
            "name",
            "legacy",
            "match",
            List.of(Map.of("uri", Map.of("prefix", "/legacy"))),
            "route",
            List.of(Map.of("destination", Map.of("host", "legacy-" + service))));
    create(
        ChaosObjects.VIRTUAL_SERVICE,
        resource(
            "networking.istio.io/v1",
            "VirtualService",
            service,
            Map.of("hosts", List.of(service), "http", List.of(other, primary))));
  }

  /** Gateway API HTTPRoute {@code service} (no VirtualService). */
  void httpRoute(String service) {
    create(
        ChaosObjects.HTTP_ROUTE,
        resource(
            "gateway.networking.k8s.io/v1",
            "HTTPRoute",
            service,
            Map.of(
                "parentRefs", List.of(Map.of("name", "public")),
                "rules",
                    List.of(Map.of("backendRefs", List.of(Map.of("name", service, "port", 80)))))));
  }

  GenericKubernetesResource get(ResourceDefinitionContext definition, String name) {
    return client.genericKubernetesResources(definition).inNamespace(NS).withName(name).get();
  }

  List<GenericKubernetesResource> list(ResourceDefinitionContext definition) {
    return client.genericKubernetesResources(definition).inNamespace(NS).list().getItems();
  }

  void update(ResourceDefinitionContext definition, GenericKubernetesResource resource) {
    client.genericKubernetesResources(definition).inNamespace(NS).resource(resource).update();
  }

  /**
   * Installs the custom resource definitions of Chaos Mesh's four kinds (namespaced, schema-less).
   */
  void installChaosMesh() {
    for (ResourceDefinitionContext d :
        List.of(
            ChaosObjects.POD_CHAOS,
            ChaosObjects.HTTP_CHAOS,
            ChaosObjects.STRESS_CHAOS,
            ChaosObjects.NETWORK_CHAOS)) {
      client
          .apiextensions()
          .v1()
          .customResourceDefinitions()
          .resource(
              new CustomResourceDefinitionBuilder()
                  .withNewMetadata()
                  .withName(ChaosObjects.crdName(d))
                  .endMetadata()
                  .withNewSpec()
                  .withGroup(d.getGroup())
                  .withScope("Namespaced")
                  .withNewNames()
                  .withPlural(d.getPlural())
                  .withKind(d.getKind())
                  .endNames()
                  .addNewVersion()
                  .withName(d.getVersion())
                  .withServed(true)
                  .withStorage(true)
                  .withNewSchema()
                  .withNewOpenAPIV3Schema()
                  .withType("object")
                  .withXKubernetesPreserveUnknownFields(true)
                  .endOpenAPIV3Schema()
                  .endSchema()
                  .endVersion()
                  .endSpec()
                  .build())
          .create();
    }
  }

  private void create(ResourceDefinitionContext definition, GenericKubernetesResource resource) {
    client.genericKubernetesResources(definition).inNamespace(NS).resource(resource).create();
  }

  private static GenericKubernetesResource resource(
      String apiVersion, String kind, String name, Map<String, Object> spec) {
    return new GenericKubernetesResourceBuilder()
        .withApiVersion(apiVersion)
        .withKind(kind)
        .withNewMetadata()
        .withName(name)
        .withNamespace(NS)
        .endMetadata()
        .addToAdditionalProperties("spec", spec)
        .build();
  }
}
