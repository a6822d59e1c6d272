package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.testing.ClusterFixtures;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The {@code scale} subresource of the in-process Kubernetes API, over HTTP as kubectl and
 * client-go send it: every write lands in the Deployment's {@code spec.replicas} and nowhere else,
 * and a request the subresource does not take leaves the Deployment as it was.
 */
class ScaleSubresourceTest {

  private static final String NS = "shop";
  private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/" + NS + "/deployments/";
  private static final String SCALE = DEPLOYMENTS + "checkout/scale";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newHttpClient();
  private AegisKubernetes cluster;
  private KubernetesClient client;

  @BeforeEach
  void startWithADeploymentOfThree() {
    cluster = AegisKubernetes.inProcess(0, List.of());
    client = cluster.client();
    client
        .resource(ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:1.4", 3))
        .create();
    client.resource(ClusterFixtures.stableService(NS, "checkout")).create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  @DisplayName("a Scale put on the subresource changes the Deployment's replicas and nothing else")
  void aPutScaleChangesOnlyTheReplicas() {
    Answer answer = send("PUT", SCALE, "application/json", scale(4, null));

    assertThat(answer.code()).as(answer.body()).isEqualTo(200);
    assertThat(answer.json().path("kind").asText()).isEqualTo("Scale");
    assertThat(answer.json().path("spec").path("replicas").asInt()).isEqualTo(4);
    Deployment checkout = checkout();
    assertThat(checkout.getKind()).isEqualTo("Deployment");
    assertThat(checkout.getSpec().getReplicas()).isEqualTo(4);
    assertThat(checkout.getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
        .isEqualTo("shop/checkout:1.4");
    assertThat(answer.json().path("metadata").path("resourceVersion").asText())
        .isEqualTo(checkout.getMetadata().getResourceVersion());
    assertThat(client.apps().deployments().inNamespace(NS).list().getItems()).hasSize(1);
  }

  @Test
  @DisplayName("a Scale carrying an old resource version is refused with 409")
  void aStaleScaleIsAConflict() {
    String old = checkout().getMetadata().getResourceVersion();
    assertThat(send("PUT", SCALE, "application/json", scale(4, old)).code()).isEqualTo(200);

    Answer stale = send("PUT", SCALE, "application/json", scale(7, old));

    assertThat(stale.code()).as(stale.body()).isEqualTo(409);
    assertThat(stale.json().path("reason").asText()).isEqualTo("Conflict");
    assertThat(checkout().getSpec().getReplicas()).isEqualTo(4);
  }

  @Test
  @DisplayName("kubectl scale's merge patch changes the replicas; its dry run does not")
  void aMergePatchScales() {
    Answer dryRun =
        send(
            "PATCH",
            SCALE + "?dryRun=All",
            ApiServerDispatcher.MERGE_PATCH,
            "{\"spec\":{\"replicas\":9}}");
    assertThat(dryRun.code()).as(dryRun.body()).isEqualTo(200);
    assertThat(dryRun.json().path("spec").path("replicas").asInt()).isEqualTo(9);
    assertThat(checkout().getSpec().getReplicas()).isEqualTo(3);

    Answer patched =
        send("PATCH", SCALE, ApiServerDispatcher.MERGE_PATCH, "{\"spec\":{\"replicas\":2}}");

    assertThat(patched.code()).as(patched.body()).isEqualTo(200);
    assertThat(patched.json().path("spec").path("replicas").asInt()).isEqualTo(2);
    assertThat(checkout().getSpec().getReplicas()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "a delete, a create, a JSON patch, a Deployment body or bad replicas on the subresource"
          + " are refused and leave the Deployment as it was")
  void whatTheSubresourceDoesNotTakeLeavesTheDeployment() {
    String version = checkout().getMetadata().getResourceVersion();

    assertThat(send("DELETE", SCALE, null, null).code()).isEqualTo(405);
    assertThat(send("POST", SCALE, "application/json", scale(4, null)).code()).isEqualTo(405);
    assertThat(
            send(
                    "PATCH",
                    SCALE,
                    "application/json-patch+json",
                    "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]")
                .code())
        .isEqualTo(415);
    Answer deploymentBody = send("PUT", SCALE, "application/json", deploymentJson());
    assertThat(deploymentBody.code()).as(deploymentBody.body()).isEqualTo(400);
    assertThat(deploymentBody.json().path("message").asText()).contains("not a Deployment");
    assertThat(send("PUT", SCALE, "application/json", scale(-1, null)).code()).isEqualTo(422);
    assertThat(send("PUT", SCALE, "application/json", "{\"kind\":\"Scale\",\"spec\":{}}").code())
        .isEqualTo(422);

    Deployment checkout = checkout();
    assertThat(checkout).isNotNull();
    assertThat(checkout.getSpec().getReplicas()).isEqualTo(3);
    assertThat(checkout.getMetadata().getResourceVersion()).isEqualTo(version);
  }

  @Test
  @DisplayName("a kind without a scale subresource answers 404 for it and keeps its object")
  void aServiceHasNoScale() {
    String service = "/api/v1/namespaces/" + NS + "/services/checkout/scale";

    assertThat(send("GET", service, null, null).code()).isEqualTo(404);
    assertThat(send("PUT", service, "application/json", scale(4, null)).code()).isEqualTo(404);
    assertThat(send("GET", DEPLOYMENTS + "nothing-here/scale", null, null).code()).isEqualTo(404);

    assertThat(client.services().inNamespace(NS).withName("checkout").get().getKind())
        .isEqualTo("Service");
  }

  private Deployment checkout() {
    return client.apps().deployments().inNamespace(NS).withName("checkout").get();
  }

  private static String scale(int replicas, String resourceVersion) {
    return "{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\",\"metadata\":{\"name\":\"checkout\","
        + "\"namespace\":\""
        + NS
        + "\""
        + (resourceVersion == null ? "" : ",\"resourceVersion\":\"" + resourceVersion + "\"")
        + "},\"spec\":{\"replicas\":"
        + replicas
        + "}}";
  }

  private static String deploymentJson() {
    return Serialization.asJson(
        ClusterFixtures.stableDeployment(NS, "checkout", "shop/checkout:9.9", 4));
  }

  record Answer(int code, String body) {
    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private Answer send(String method, String path, String contentType, String body) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(cluster.masterUrl().replaceAll("/$", "") + path))
            .method(method, body == null ? BodyPublishers.noBody() : BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    try {
      HttpResponse<String> response = http.send(request.build(), BodyHandlers.ofString());
      return new Answer(response.statusCode(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
