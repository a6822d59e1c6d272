package dev.aegis.orchestrator.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.testing.ClusterFixtures;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl get namespaces} against the in-process Kubernetes API: the list holds the stored
 * Namespace objects and the namespaces objects live in without one, as JSON and as the Table
 * kubectl asks for.
 */
class NamespaceListTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TABLE =
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

  private final HttpClient http = HttpClient.newHttpClient();
  private AegisKubernetes cluster;

  @BeforeEach
  void start() {
    cluster = AegisKubernetes.inProcess(0, List.of());
    KubernetesClient client = cluster.client();
    client
        .resource(new NamespaceBuilder().withNewMetadata().withName("demo").endMetadata().build())
        .create();
    client
        .resource(ClusterFixtures.stableDeployment("shop", "checkout", "shop/checkout:1.4", 3))
        .create();
  }

  @AfterEach
  void stop() {
    cluster.close();
  }

  @Test
  @DisplayName("the namespace list holds stored and implicit namespaces, as JSON and as a Table")
  void listsEveryNamespace() throws Exception {
    JsonNode list = get("application/json");
    assertThat(names(list.path("items"), "/metadata/name"))
        .containsExactly("demo", "default", "shop");
    JsonNode table = get(TABLE);
    assertThat(table.path("kind").asText()).isEqualTo("Table");
    assertThat(names(table.path("rows"), "/cells/0")).containsExactly("demo", "default", "shop");
    assertThat(cluster.client().namespaces().list().getItems())
        .extracting(n -> n.getMetadata().getName())
        .containsExactly("demo", "default", "shop");
  }

  private JsonNode get(String accept) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(cluster.masterUrl() + "api/v1/namespaces"))
                .header("Accept", accept)
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static List<String> names(JsonNode items, String pointer) {
    List<String> out = new ArrayList<>();
    items.forEach(n -> out.add(n.at(pointer).asText()));
    return out;
  }
}
