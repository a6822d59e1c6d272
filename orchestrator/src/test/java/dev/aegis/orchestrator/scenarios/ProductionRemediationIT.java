package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Production (V2) auto-remediation end to end: health of the promoted version on the broker, the
 * guard's decision with its evidence, the production command on the in-process cluster, the
 * quarantine through the core with its RCA, and the SLO burn-rate alert event.
 */
@AegisComponentTest
class ProductionRemediationIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired ExperimentRepository experiments;
  @Autowired RcaRepository rcas;
  @Autowired AuditRepository audit;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "a promoted version failing 8% of requests for 5 minutes is rolled back and quarantined, with the evidence, and the SLO page fires")
  void sustainedErrorsRollProductionBackAndQuarantine() {
    try (TopicTail lifecycle = SharedInfrastructure.kafka().tail(Topics.LIFECYCLE)) {
      String id = promote("wallet", "v2");
      Instant start = Instant.now().minus(Duration.ofMinutes(15)).truncatedTo(ChronoUnit.MINUTES);
      for (int minute = 0; minute < 12; minute++) {
        publishStable("wallet", "v2", start.plus(Duration.ofMinutes(minute)), 1000, 80, 180);
      }

      await().atMost(WAIT).until(() -> phase(id) == Phase.QUARANTINED);
      await().atMost(WAIT).until(() -> image("wallet").equals("registry.local/wallet:v1"));
      String rca = jdbi.withHandle(h -> rcas.find(Tx.of(h), id)).orElseThrow().recordJson();
      assertThat(rca).contains("error-rate").contains("0.08");
      assertThat(auditOf("guard.rollback"))
          .anySatisfy(
              detail -> {
                assertThat(detail.path("signal").asText()).isEqualTo("error-rate");
                assertThat(detail.path("sustainedSeconds").asLong()).isEqualTo(300);
                assertThat(detail.path("outcome").asText()).isEqualTo("Accepted");
              });

      var page =
          lifecycle
              .take(
                  1,
                  WAIT,
                  r ->
                      EventType.SLO_BURN_RATE_ALERTED.type().equals(TopicTail.header(r, "ce_type"))
                          && "wallet".equals(r.key()))
              .get(0);
      JsonNode data = read(page.value());
      assertThat(data.path("track").asText()).isEqualTo("stable");
      assertThat(data.path("severity").asText()).isEqualTo("page");
      assertThat(data.path("state").asText()).isEqualTo("firing");
      assertThat(data.path("burnRateShort").asDouble()).isGreaterThan(14.4);
    }
  }

  @Test
  @DisplayName(
      "a promoted version with p95 above 10 s for 2 minutes is scaled up by 1.5x, once per cooldown")
  void slowProductionScalesUp() {
    promote("ranker", "v2");
    Instant start = Instant.now().minus(Duration.ofMinutes(10)).truncatedTo(ChronoUnit.MINUTES);
    for (int minute = 0; minute < 5; minute++) {
      publishStable("ranker", "v2", start.plus(Duration.ofMinutes(minute)), 1000, 0, 12_000);
    }

    await().atMost(WAIT).until(() -> stable("ranker").getSpec().getReplicas() == 6);
    assertThat(auditOf("guard.scale-up"))
        .singleElement()
        .satisfies(detail -> assertThat(detail.path("signal").asText()).isEqualTo("p95-latency"));
  }

  private String promote(String name, String version) {
    String id = ScenarioKit.submit(service, cluster, name, version);
    Wire.publishCanary(name, version, Instant.now().minusSeconds(1800), 6, 100, 0, 200);
    await().atMost(WAIT).until(() -> phase(id) == Phase.PROMOTED);
    await().atMost(WAIT).until(() -> image(name).equals("registry.local/" + name + ":" + version));
    return id;
  }

  private static void publishStable(
      String service, String version, Instant start, long requests, long errors, double p95) {
    ScenarioKit.publish(ScenarioKit.stableMinute(service, version, start, requests, errors, p95));
  }

  private Phase phase(String id) {
    return jdbi.withHandle(h -> experiments.find(Tx.of(h), id)).orElseThrow().experiment().phase();
  }

  private Deployment stable(String name) {
    return cluster.apps().deployments().inNamespace(Wire.NAMESPACE).withName(name).get();
  }

  private String image(String name) {
    return stable(name).getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
  }

  private List<JsonNode> auditOf(String action) {
    return jdbi
        .withHandle(
            h ->
                h.createQuery("SELECT detail::text FROM audit_log WHERE action = :action")
                    .bind("action", action)
                    .mapTo(String.class)
                    .list())
        .stream()
        .map(ProductionRemediationIT::read)
        .toList();
  }

  private static JsonNode read(String json) {
    try {
      return JSON.readTree(json);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode read(byte[] json) {
    return read(new String(json, StandardCharsets.UTF_8));
  }
}
