package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
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
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;

/** A policy backtest over what a real run recorded. */
@AegisComponentTest
@AutoConfigureMockMvc
class BacktestIT {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired MockMvc mvc;
  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired ExperimentRepository experiments;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "the recorded windows of a quarantined candidate replay to the same verdict under the same policy, and to a promotion under a 10% error budget")
  void replaysRecordedWindowsUnderAnotherPolicy() throws Exception {
    Instant start = Instant.now().minusSeconds(900).truncatedTo(ChronoUnit.SECONDS);
    String id = ScenarioKit.submit(service, cluster, "ledger", "v8");
    Wire.publishCanary("ledger", "v8", start, 8, 100, 5, 200);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                jdbi.withHandle(h -> experiments.find(Tx.of(h), id))
                        .orElseThrow()
                        .experiment()
                        .phase()
                    == Phase.QUARANTINED);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                jdbi.withHandle(
                        h ->
                            h.createQuery(
                                    "SELECT count(*) FROM health_windows WHERE service = 'ledger'")
                                .mapTo(Integer.class)
                                .one())
                    == 8);

    JsonNode same = backtest(start, "0.02");
    assertThat(same.path("windows").asInt()).isEqualTo(8);
    JsonNode run = same.path("runs").get(0);
    assertThat(run.path("version").asText()).isEqualTo("v8");
    assertThat(run.path("outcome").asText()).isEqualTo("QUARANTINED");
    assertThat(run.path("actual").path("experimentId").asText()).isEqualTo(id);
    assertThat(run.path("actual").path("phase").asText()).isEqualTo("QUARANTINED");
    assertThat(run.path("secondsToDecision").asLong())
        .as("decided on step 1's third window: 15/300 is a significant SLO breach, 10/200 not yet")
        .isEqualTo(3);

    JsonNode looser = backtest(start, "0.10").path("runs").get(0);
    assertThat(looser.path("outcome").asText()).isEqualTo("PROMOTED");
    assertThat(looser.path("timeline"))
        .extracting(n -> n.path("to").asText())
        .containsExactly("CANARY", "CANARY", "CANARY", "PROMOTED");
    assertThat(looser.path("lastJudgment").path("verdict").asText()).isEqualTo("PASS");

    mvc.perform(
            post("/api/v1/backtests")
                .contentType(MediaType.APPLICATION_JSON)
                .content("{\"service\": \"ledger\"}"))
        .andExpect(status().isBadRequest())
        .andExpect(jsonPath("$.field").value("from"));
  }

  private JsonNode backtest(Instant start, String maxErrorRate) throws Exception {
    String body =
        """
        {"service": "ledger", "from": "%s", "to": "%s",
         "policy": {"steps": [{"weight": 10, "minDuration": "PT2S"}, {"weight": 50, "minDuration": "PT2S"},
                              {"weight": 100, "minDuration": "PT2S"}],
                    "slo": {"maxErrorRate": %s, "maxP95LatencyMs": 3000}, "minRequestsPerStep": 50}}
        """
            .formatted(start.minusSeconds(60), start.plusSeconds(600), maxErrorRate);
    return JSON.readTree(
        mvc.perform(post("/api/v1/backtests").contentType(MediaType.APPLICATION_JSON).content(body))
            .andExpect(status().isOk())
            .andReturn()
            .getResponse()
            .getContentAsString());
  }
}
