package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.resource.ExperimentResource;
import dev.aegis.operators.resource.ExperimentSpec;
import dev.aegis.operators.routing.IstioVirtualServiceRouter;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-process Kubernetes API of a standalone Aegis keeps its objects in the data directory: what
 * a client was told is done is there after a restart, a damaged newest snapshot falls back to the
 * one before it, and one directory serves one live instance.
 */
class DurableClusterStateTest {

  private static final String NS = "shop";

  @TempDir Path dataDir;

  @Test
  @DisplayName("created, changed and deleted objects are found as they were left after a restart")
  void objectsSurviveARestart() {
    Path state = dataDir.resolve("kubernetes");
    String uid;
    String version;
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      KubernetesClient client = cluster.client();
      client
          .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
          .create();
      client.resource(ClusterFixtures.stableService(NS, "checkout")).create();
      client
          .genericKubernetesResources(IstioVirtualServiceRouter.VIRTUAL_SERVICE)
          .inNamespace(NS)
          .resource(ClusterFixtures.virtualService(NS, "checkout"))
          .create();
      client
          .resource(ClusterFixtures.stableDeployment(NS, "checkout-canary", "shop/checkout:1.5", 1))
          .create();
      client
          .resources(ExperimentResource.class)
          .inNamespace(NS)
          .resource(experiment("checkout-1-5"))
          .create();
      // A change and a delete must be saved as well as a create.
      client.apps().deployments().inNamespace(NS).withName("checkout").scale(5);
      client.apps().deployments().inNamespace(NS).withName("checkout-canary").delete();
      Deployment checkout = client.apps().deployments().inNamespace(NS).withName("checkout").get();
      uid = checkout.getMetadata().getUid();
      version = checkout.getMetadata().getResourceVersion();
    }

    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      // The CRD, the Deployment, the Service, the VirtualService and the Experiment.
      assertThat(cluster.restoredObjects()).isEqualTo(5);
      KubernetesClient client = cluster.client();
      Deployment checkout = client.apps().deployments().inNamespace(NS).withName("checkout").get();
      assertThat(checkout).as("the Deployment").isNotNull();
      assertThat(checkout.getSpec().getReplicas()).isEqualTo(5);
      assertThat(checkout.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
          .isEqualTo("shop/checkout:1.4");
      assertThat(checkout.getMetadata().getUid()).isEqualTo(uid);
      assertThat(checkout.getMetadata().getResourceVersion()).isEqualTo(version);
      assertThat(client.apps().deployments().inNamespace(NS).withName("checkout-canary").get())
          .isNull();
      // Listing by label selector, as kubectl get -l does, finds the restored object.
      assertThat(
              client
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withLabel("app", "checkout")
                  .list()
                  .getItems())
          .extracting(d -> d.getMetadata().getName())
          .containsExactly("checkout");
      assertThat(
              client
                  .services()
                  .inNamespace(NS)
                  .withName("checkout")
                  .get()
                  .getSpec()
                  .getPorts()
                  .get(0)
                  .getPort())
          .isEqualTo(80);
      assertThat(
              client
                  .genericKubernetesResources(IstioVirtualServiceRouter.VIRTUAL_SERVICE)
                  .inNamespace(NS)
                  .withName("checkout")
                  .get())
          .isNotNull();
      assertThat(client.resources(ExperimentResource.class).inNamespace(NS).list().getItems())
          .extracting(e -> e.getMetadata().getName())
          .containsExactly("checkout-1-5");
      assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems())
          .extracting(crd -> crd.getMetadata().getName())
          .containsExactly("experiments.aegis.dev");
      // Versions go on above the restored ones, as a real API server's do.
      Deployment created =
          client
              .resource(ClusterFixtures.stableDeployment(NS, "payments", "shop/payments:2.0", 1))
              .create();
      assertThat(Long.parseLong(created.getMetadata().getResourceVersion()))
          .isGreaterThan(Long.parseLong(version));
    }
  }

  @Test
  @DisplayName(
      "a Deployment scaled through its scale subresource keeps the new replica count after a"
          + " restart, and its Scale reads it")
  void aScaledDeploymentKeepsItsReplicasAfterARestart() {
    Path state = dataDir.resolve("kubernetes");
    String version;
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      KubernetesClient client = cluster.client();
      client
          .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
          .create();

      Deployment scaled = client.apps().deployments().inNamespace(NS).withName("checkout").scale(5);

      assertThat(scaled).as("the Deployment after the scale").isNotNull();
      assertThat(scaled.getSpec().getReplicas()).isEqualTo(5);
      version = scaled.getMetadata().getResourceVersion();
      JsonNode scale = scaleOf(cluster, "checkout");
      assertThat(scale.path("kind").asText()).isEqualTo("Scale");
      assertThat(scale.path("apiVersion").asText()).isEqualTo("autoscaling/v1");
      assertThat(scale.path("metadata").path("name").asText()).isEqualTo("checkout");
      assertThat(scale.path("metadata").path("namespace").asText()).isEqualTo(NS);
      assertThat(scale.path("metadata").path("resourceVersion").asText()).isEqualTo(version);
      assertThat(scale.path("spec").path("replicas").asInt()).isEqualTo(5);
      assertThat(scale.path("status").path("selector").asText()).isEqualTo("app=checkout");
    }

    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      // The CRD and the Deployment: no Scale was stored beside or in place of it.
      assertThat(cluster.restoredObjects()).isEqualTo(2);
      KubernetesClient client = cluster.client();
      Deployment checkout = client.apps().deployments().inNamespace(NS).withName("checkout").get();
      assertThat(checkout).as("the Deployment after the restart").isNotNull();
      assertThat(checkout.getKind()).isEqualTo("Deployment");
      assertThat(checkout.getSpec().getReplicas()).isEqualTo(5);
      assertThat(checkout.getSpec().getTemplate().getSpec().getContainers())
          .extracting(c -> c.getImage())
          .containsExactly("shop/checkout:1.4", "fluent-bit:3.0");
      assertThat(checkout.getMetadata().getResourceVersion()).isEqualTo(version);
      assertThat(scaleOf(cluster, "checkout").path("spec").path("replicas").asInt()).isEqualTo(5);

      // Scaling down after the restart is saved too.
      client.apps().deployments().inNamespace(NS).withName("checkout").scale(1);
    }

    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      assertThat(
              cluster
                  .client()
                  .apps()
                  .deployments()
                  .inNamespace(NS)
                  .withName("checkout")
                  .get()
                  .getSpec()
                  .getReplicas())
          .isEqualTo(1);
    }
  }

  @Test
  @DisplayName("a cluster without a state directory starts empty every time")
  void withoutADirectoryNothingIsKept() {
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, List.of())) {
      cluster
          .client()
          .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
          .create();
    }
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, List.of())) {
      assertThat(cluster.client().apps().deployments().inAnyNamespace().list().getItems())
          .isEmpty();
    }
  }

  @Test
  @DisplayName(
      "a torn newest snapshot is set aside and the one before it loaded, losing only the last change")
  void aTornSnapshotFallsBackToThePreviousOne() throws IOException {
    Path state = dataDir.resolve("kubernetes");
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      cluster
          .client()
          .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
          .create();
      cluster.client().resource(ClusterFixtures.stableService(NS, "checkout")).create();
    }
    Path newest = snapshots(state).get(0);
    // What a disk fault could leave: the first half of the file.
    byte[] whole = Files.readAllBytes(newest);
    Files.write(newest, Arrays.copyOf(whole, whole.length / 2));

    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      assertThat(cluster.client().apps().deployments().inNamespace(NS).withName("checkout").get())
          .isNotNull();
      assertThat(cluster.client().services().inNamespace(NS).withName("checkout").get())
          .as("the last change, only in the torn snapshot")
          .isNull();
    }
    assertThat(newest.resolveSibling(newest.getFileName() + ".corrupt")).exists();
  }

  @Test
  @DisplayName(
      "when no snapshot can be read the start is refused, naming the directory, and nothing is touched")
  void noReadableSnapshotRefusesTheStart() throws IOException {
    Path state = dataDir.resolve("kubernetes");
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      cluster
          .client()
          .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
          .create();
    }
    for (Path snapshot : snapshots(state)) {
      Files.writeString(snapshot, "not json", StandardCharsets.UTF_8);
    }
    List<Path> before = snapshots(state);

    assertThatThrownBy(() -> AegisKubernetes.inProcess(0, Optional.of(state), List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(state.toString())
        .hasMessageContaining("move the directory aside");
    assertThat(snapshots(state)).isEqualTo(before);
  }

  @Test
  @DisplayName("a second live instance on the same state directory is refused at once")
  void aSecondInstanceIsRefused() {
    Path state = dataDir.resolve("kubernetes");
    try (AegisKubernetes cluster = AegisKubernetes.inProcess(0, Optional.of(state), List.of())) {
      assertThatThrownBy(() -> AegisKubernetes.inProcess(0, Optional.of(state), List.of()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use by another running Aegis")
          .hasMessageContaining("aegis.data-dir");
      assertThat(cluster.client().apps().deployments().inAnyNamespace().list().getItems())
          .isEmpty();
    }
  }

  /** The Deployment's {@code autoscaling/v1} Scale, as the API server sends it. */
  private static JsonNode scaleOf(AegisKubernetes cluster, String deployment) {
    String url =
        cluster.masterUrl().replaceAll("/$", "")
            + "/apis/apps/v1/namespaces/"
            + NS
            + "/deployments/"
            + deployment
            + "/scale";
    try {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(HttpRequest.newBuilder(URI.create(url)).GET().build(), BodyHandlers.ofString());
      assertThat(response.statusCode()).as("GET %s: %s", url, response.body()).isEqualTo(200);
      return new ObjectMapper().readTree(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static ExperimentResource experiment(String name) {
    ExperimentResource experiment = new ExperimentResource();
    experiment.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(NS).build());
    experiment.setSpec(
        new ExperimentSpec(
            "checkout",
            NS,
            new ExperimentSpec.CandidateSpec("1.5", "shop/checkout:1.5"),
            null,
            null));
    return experiment;
  }

  private static List<Path> snapshots(Path state) throws IOException {
    try (Stream<Path> files = Files.list(state)) {
      return files
          .filter(f -> f.getFileName().toString().matches("cluster-\\d+\\.json"))
          .sorted(
              Comparator.comparingLong(
                      (Path f) -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", "")))
                  .reversed())
          .toList();
    }
  }
}
