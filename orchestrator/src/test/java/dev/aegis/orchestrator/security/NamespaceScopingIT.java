package dev.aegis.orchestrator.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.Workloads;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.hamcrest.Matchers;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/**
 * Roles apply only in the principal's namespaces, a platform-engineer commands only its own
 * experiments, and the actor recorded is the principal, whatever header the client sends.
 */
@AegisComponentTest(
    properties = {
      "aegis.api.auth=token",
      "aegis.api.token=bootstrap-token-of-namespace-test-0123456789"
    })
@AutoConfigureMockMvc
class NamespaceScopingIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired MockMvc mvc;
  @Autowired ApiTokens tokens;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  private String alice;
  private String bob;
  private String sre;
  private String viewerOfPay;

  @BeforeEach
  void principals() {
    alice =
        tokens
            .create("alice", List.of("platform-engineer"), List.of("shop"), null, "test")
            .secret();
    bob =
        tokens.create("bob", List.of("platform-engineer"), List.of("shop"), null, "test").secret();
    sre = tokens.create("sre-shop", List.of("sre"), List.of("shop"), null, "test").secret();
    viewerOfPay =
        tokens.create("viewer-pay", List.of("viewer"), List.of("pay"), null, "test").secret();
  }

  private static MockHttpServletRequestBuilder as(MockHttpServletRequestBuilder b, String token) {
    return b.header("Authorization", "Bearer " + token).contentType(MediaType.APPLICATION_JSON);
  }

  private String submission(String service, String namespace) {
    Workloads.deployStable(cluster, namespace, service);
    return """
        {"service": "%s", "namespace": "%s", "candidate": {"version": "v2", "image": "registry.local/%s:v2"}}"""
        .formatted(service, namespace, service);
  }

  private long experiments() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM experiments").mapTo(Long.class).one());
  }

  @Test
  @DisplayName(
      "a platform-engineer submits in its namespace, not in another; the refusal changes nothing")
  void submitOnlyInOwnNamespaces() throws Exception {
    long before = experiments();
    mvc.perform(as(post("/api/v1/experiments"), alice).content(submission("basket", "pay")))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/forbidden-namespace"));
    assertThat(experiments()).isEqualTo(before);
    mvc.perform(as(post("/api/v1/experiments"), alice).content(submission("basket", "shop")))
        .andExpect(status().isCreated());
    assertThat(experiments()).isEqualTo(before + 1);
  }

  @Test
  @DisplayName(
      "a platform-engineer pauses its own experiment but not a colleague's; an SRE of the namespace may")
  void ownership() throws Exception {
    String body =
        mvc.perform(
                as(post("/api/v1/experiments"), alice)
                    .header("X-Aegis-Actor", "mallory")
                    .content(submission("cart", "shop")))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse()
            .getContentAsString();
    String id = JSON.readTree(body).path("id").asText();

    mvc.perform(as(post("/api/v1/experiments/" + id + "/abort"), bob))
        .andExpect(status().isForbidden())
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/not-owner"));
    mvc.perform(as(post("/api/v1/experiments/" + id + "/promote"), alice))
        .andExpect(status().isForbidden());
    mvc.perform(as(post("/api/v1/experiments/" + id + "/pause"), sre))
        .andExpect(result -> assertThat(result.getResponse().getStatus()).isNotIn(401, 403));

    JsonNode audit =
        JSON.readTree(
            mvc.perform(as(get("/api/v1/audit"), bootstrap()))
                .andReturn()
                .getResponse()
                .getContentAsString());
    assertThat(audit.findValuesAsText("actor"))
        .contains("alice", "sre-shop")
        .doesNotContain("mallory", "bob");
  }

  @Test
  @DisplayName(
      "a viewer of another namespace neither lists nor reads the experiment, nor the cross-namespace audit")
  void readsAreScoped() throws Exception {
    String id = submitted(alice, "shelf", "shop");

    mvc.perform(as(get("/api/v1/experiments/" + id), viewerOfPay)).andExpect(status().isNotFound());
    JsonNode list =
        JSON.readTree(
            mvc.perform(as(get("/api/v1/experiments"), viewerOfPay))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString());
    assertThat(list.findValuesAsText("id")).doesNotContain(id);
    mvc.perform(as(get("/api/v1/audit"), viewerOfPay)).andExpect(status().isForbidden());
    mvc.perform(as(get("/api/v1/experiments/" + id), bob)).andExpect(status().isOk());
  }

  @Test
  @DisplayName(
      "two 'ledger' services in two namespaces live side by side, each with its own live experiment")
  void sameServiceNameInTwoNamespaces() throws Exception {
    String admin = bootstrap();
    for (String namespace : List.of("shop", "pay")) {
      // Real workloads, so each canary starts and stays live rather than rolling back for want of a
      // Deployment.
      cluster
          .resource(
              ClusterFixtures.stableDeployment(namespace, "ledger", "registry.local/ledger:v1", 2))
          .create();
      cluster.resource(ClusterFixtures.stableService(namespace, "ledger")).create();
    }
    String inShop = submitted(admin, "ledger", "shop");
    String inPay = submitted(admin, "ledger", "pay");
    assertThat(inPay).isNotEqualTo(inShop);

    mvc.perform(as(get("/api/v1/services/shop/ledger"), admin))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.namespace").value("shop"))
        .andExpect(jsonPath("$.liveExperiment.id").value(inShop));
    mvc.perform(as(get("/api/v1/services/pay/ledger"), admin))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.namespace").value("pay"))
        .andExpect(jsonPath("$.liveExperiment.id").value(inPay));
    mvc.perform(as(get("/api/v1/services/ledger"), admin))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/ambiguous-service"))
        .andExpect(jsonPath("$.namespaces[0]").value("pay"))
        .andExpect(jsonPath("$.namespaces[1]").value("shop"));
    // Who sees only one of them gets that one by the old form, and learns nothing of the other.
    mvc.perform(as(get("/api/v1/services/ledger"), viewerOfPay))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.namespace").value("pay"));
    mvc.perform(as(get("/api/v1/services/shop/ledger"), viewerOfPay))
        .andExpect(status().isNotFound());
    JsonNode ofShop =
        JSON.readTree(
            mvc.perform(as(get("/api/v1/experiments?service=ledger&namespace=shop"), admin))
                .andExpect(status().isOk())
                .andReturn()
                .getResponse()
                .getContentAsString());
    assertThat(ofShop.findValuesAsText("id")).containsExactly(inShop);

    long commands = scaleCommands();
    mvc.perform(as(post("/api/v1/services/ledger/scale"), admin).content("{\"replicas\": 3}"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value("https://aegis.dev/problems/ambiguous-service"));
    mvc.perform(
            as(post("/api/v1/services/ledger/rollback"), admin).content("{\"reason\": \"bad\"}"))
        .andExpect(status().isConflict());
    assertThat(scaleCommands()).isEqualTo(commands);
    // An SRE of shop sees one ledger only, so the old form is unambiguous for it.
    mvc.perform(as(post("/api/v1/services/ledger/scale"), sre).content("{\"replicas\": 3}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.service.namespace").value("shop"));
    mvc.perform(as(post("/api/v1/services/pay/ledger/scale"), admin).content("{\"replicas\": 3}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.service.namespace").value("pay"));
    mvc.perform(as(post("/api/v1/services/pay/ledger/scale"), sre).content("{\"replicas\": 3}"))
        .andExpect(status().isNotFound());
    mvc.perform(
            as(post("/api/v1/services/shop/ledger/rollback"), sre).content("{\"reason\": \"bad\"}"))
        .andExpect(status().isConflict())
        .andExpect(
            jsonPath("$.type")
                .value(
                    Matchers.anyOf(
                        Matchers.endsWith("/service-held"),
                        Matchers.endsWith("/no-rollback-target"))));
  }

  @Test
  @DisplayName(
      "a list's limit counts only what its reader may see: a viewer of a quiet namespace gets its"
          + " newest, however many newer ones other namespaces have")
  void listsAreScopedBeforeTheirLimit() throws Exception {
    String admin = bootstrap();
    String inPay = submitted(admin, "scope-pay", "pay");
    String inShop = null;
    for (String service : List.of("scope-a", "scope-b")) {
      inShop = submitted(admin, service, "shop");
    }
    // Quarantine records and notifications of both, the pay one older; released and failed, so
    // that nothing acts on them.
    Instant older = Instant.now().minusSeconds(60);
    rca(inPay, "scope-pay", older);
    rca(inShop, "scope-b", older.plusSeconds(30));
    notification("pay", "scope-pay", older);
    notification("shop", "scope-b", older.plusSeconds(30));
    notification(null, null, older.plusSeconds(40));

    JsonNode experiments = read("/api/v1/experiments?limit=1", viewerOfPay);
    assertThat(experiments.findValuesAsText("id")).containsExactly(inPay);
    assertThat(experiments.get(0).path("namespace").asText()).isEqualTo("pay");
    assertThat(read("/api/v1/experiments?limit=1", admin).findValuesAsText("id"))
        .as("every namespace: the newest")
        .containsExactly(inShop);
    assertThat(
            read("/api/v1/quarantine?includeReleased=true&limit=1", viewerOfPay)
                .findValuesAsText("experimentId"))
        .containsExactly(inPay);
    JsonNode notifications = read("/api/v1/notifications?limit=1", viewerOfPay).path("items");
    assertThat(notifications.findValuesAsText("namespace")).containsExactly("pay");
    JsonNode newest = read("/api/v1/notifications?limit=1", admin).path("items").get(0);
    assertThat(newest.path("namespace").isNull())
        .as("a notification of no namespace, to who reads every namespace: %s", newest)
        .isTrue();
  }

  @Test
  @DisplayName(
      "the services list pages by name in the principal's namespaces, linking the next page, with"
          + " each service's live experiment")
  void servicesArePaged() throws Exception {
    String admin = bootstrap();
    String viewer =
        tokens.create("viewer-paging", List.of("viewer"), List.of("paging"), null, "test").secret();
    for (String name : List.of("page-a", "page-b", "page-d", "page-e")) {
      managed("paging", name);
    }
    managed("shop", "page-c"); // between them by name, in a namespace the viewer does not read
    String live = submitted(admin, "page-d", "paging");

    List<String> seen = new ArrayList<>();
    String next = "/api/v1/services?limit=2";
    int pages = 0;
    while (next != null) {
      var response =
          mvc.perform(as(get(next), viewer)).andExpect(status().isOk()).andReturn().getResponse();
      JsonNode page = JSON.readTree(response.getContentAsString());
      page.forEach(s -> seen.add(s.path("namespace").asText() + "/" + s.path("name").asText()));
      if ("page-d".equals(page.path(0).path("name").asText())) {
        assertThat(page.path(0).path("liveExperiment").path("id").asText()).isEqualTo(live);
        assertThat(page.path(0).path("liveExperiment").path("weight").asInt()).isEqualTo(10);
      }
      String link = response.getHeader("Link");
      next = link == null ? null : link.substring(1, link.indexOf(">; rel=\"next\""));
      pages++;
    }
    assertThat(seen)
        .containsExactly("paging/page-a", "paging/page-b", "paging/page-d", "paging/page-e");
    assertThat(pages).as("two full pages, then an empty one").isEqualTo(3);

    mvc.perform(as(get("/api/v1/services?after=paging"), viewer))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("after"));
  }

  private void managed(String namespace, String name) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO services (namespace, name, managed_since, updated_at)"
                        + " VALUES (:namespace, :name, now(), now()) ON CONFLICT DO NOTHING")
                .bind("namespace", namespace)
                .bind("name", name)
                .execute());
  }

  private JsonNode read(String path, String token) throws Exception {
    return JSON.readTree(
        mvc.perform(as(get(path), token))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString());
  }

  private void rca(String experimentId, String service, Instant at) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO rca_records (id, experiment_id, service, candidate_version,"
                        + " candidate_image, record, recorded_at, released_at, released_by,"
                        + " release_reason) VALUES (:id, :id, :service, 'v2', :image, '{}', :at,"
                        + " :at, 'test', 'listed only')")
                .bind("id", experimentId)
                .bind("service", service)
                .bind("image", "registry.local/" + service + ":scoped-" + experimentId)
                .bind("at", at)
                .execute());
  }

  private void notification(String namespace, String service, Instant at) {
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    "INSERT INTO notifications (id, channel, kind, severity, namespace, service,"
                        + " title, payload, status, next_attempt_at, created_at) VALUES (:id,"
                        + " 'nowhere', 'promoted', 'info', :namespace, :service, 'listed only',"
                        + " '{}', 'FAILED', :at, :at)")
                .bind("id", UUID.randomUUID().toString())
                .bind("namespace", namespace)
                .bind("service", service)
                .bind("at", at)
                .execute());
  }

  private long scaleCommands() {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT count(*) FROM outbox WHERE type = 'ScaleStable'")
                .mapTo(Long.class)
                .one());
  }

  /** Submits {@code service} in {@code namespace} as {@code token}'s principal: 201, the id. */
  private String submitted(String token, String service, String namespace) throws Exception {
    return id(
        mvc.perform(as(post("/api/v1/experiments"), token).content(submission(service, namespace)))
            .andExpect(status().isCreated())
            .andReturn()
            .getResponse()
            .getContentAsString());
  }

  private static String id(String body) throws Exception {
    return JSON.readTree(body).path("id").asText();
  }

  private String bootstrap() {
    return "bootstrap-token-of-namespace-test-0123456789";
  }
}
