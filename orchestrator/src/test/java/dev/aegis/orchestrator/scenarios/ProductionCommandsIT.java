package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.hamcrest.Matchers;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** Production (V2) commands through the API, carried out on the in-process cluster. */
@AegisComponentTest
@AutoConfigureMockMvc
class ProductionCommandsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired MockMvc mvc;
  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired ExperimentRepository experiments;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "after a promotion, production rolls back to the previous V2 at once, without analysis; a second rollback has no target left")
  void fastRollbackOfProduction() throws Exception {
    String id = promote("ledger", "v2");
    await().atMost(WAIT).until(() -> image("ledger").equals("registry.local/ledger:v2"));
    mvc.perform(get("/api/v1/services/ledger"))
        .andExpect(status().isOk())
        .andExpect(jsonPath("$.productionVersion").value("v2"))
        .andExpect(jsonPath("$.liveExperiment").doesNotExist());

    mvc.perform(
            post("/api/v1/services/ledger/rollback")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("reason"));
    mvc.perform(
            post("/api/v1/services/ledger/rollback")
                .contentType(MediaType.APPLICATION_JSON)
                .header("X-Aegis-Actor", "sre-on-call")
                .content("{\"reason\": \"v2 corrupts balances\"}"))
        .andExpect(status().isAccepted())
        .andExpect(jsonPath("$.commandId").value(Matchers.startsWith("service:ledger:rollback:")));

    await().atMost(WAIT).until(() -> image("ledger").equals("registry.local/ledger:v1"));
    // The relay records the outcome after the patch: the image can change before the audit entry.
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThat(audit("service.actuation"))
                    .anySatisfy(
                        entry -> {
                          assertThat(entry.path("detail").path("kind").asText())
                              .isEqualTo("RollBackProduction");
                          assertThat(entry.path("detail").path("outcome").asText())
                              .isEqualTo("APPLIED");
                        }));
    assertThat(audit("service.rollback"))
        .as("the actor is the principal (loopback 'local'), not the header")
        .anySatisfy(entry -> assertThat(entry.path("actor").asText()).isEqualTo("local"));
    assertThat(
            jdbi.withHandle(h -> experiments.find(Tx.of(h), id)).orElseThrow().experiment().phase())
        .isEqualTo(Phase.PROMOTED);

    mvc.perform(
            post("/api/v1/services/ledger/rollback")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"reason\": \"again\"}"))
        .andExpect(status().isConflict());
  }

  @Test
  @DisplayName(
      "scaling production keeps the replica count within its bounds, and an unknown service is 404")
  void scalingIsClamped() throws Exception {
    promote("search-api", "v4");
    mvc.perform(
            post("/api/v1/services/search-api/scale")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"replicas\": 50, \"maxReplicas\": 8, \"reason\": \"p95 over 10 s\"}"))
        .andExpect(status().isAccepted());
    await().atMost(WAIT).until(() -> stable("search-api").getSpec().getReplicas() == 8);

    mvc.perform(
            post("/api/v1/services/search-api/scale")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"replicas\": 3, \"minReplicas\": 5, \"maxReplicas\": 2}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("maxReplicas"));
    mvc.perform(
            post("/api/v1/services/nowhere/scale")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"replicas\": 3}"))
        .andExpect(status().isNotFound());
  }

  @Test
  @DisplayName("production cannot be rolled back while an experiment holds the service")
  void rollbackWaitsForTheLiveExperiment() throws Exception {
    ScenarioKit.submit(service, cluster, "basket", "v2");
    mvc.perform(
            post("/api/v1/services/basket/rollback")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"reason\": \"bad\"}"))
        .andExpect(status().isConflict())
        .andExpect(jsonPath("$.type").value(Matchers.containsString("service-held")));
  }

  private String promote(String name, String version) {
    String id = ScenarioKit.submit(service, cluster, name, version);
    Wire.publishCanary(name, version, Instant.now().minusSeconds(600), 6, 100, 0, 200);
    await()
        .atMost(WAIT)
        .until(
            () ->
                jdbi.withHandle(h -> experiments.find(Tx.of(h), id))
                        .orElseThrow()
                        .experiment()
                        .phase()
                    == Phase.PROMOTED);
    return id;
  }

  private Deployment stable(String name) {
    return cluster.apps().deployments().inNamespace(Wire.NAMESPACE).withName(name).get();
  }

  private String image(String name) {
    return stable(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private List<JsonNode> audit(String action) throws Exception {
    JsonNode all =
        JSON.readTree(
            mvc.perform(get("/api/v1/audit")).andReturn().getResponse().getContentAsString());
    List<JsonNode> out = new ArrayList<>();
    (all.isArray() ? all : all.path("entries"))
        .forEach(
            n -> {
              if (action.equals(n.path("action").asText())) {
                out.add(n);
              }
            });
    return out;
  }
}
