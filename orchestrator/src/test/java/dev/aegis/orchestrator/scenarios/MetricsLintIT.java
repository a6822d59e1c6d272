package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventType;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.observability.MeterCatalogue;
import dev.aegis.orchestrator.observability.Promlint;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.test.web.servlet.MockMvc;

/**
 * What {@code promtool check metrics} would say of a live scrape: after the orchestrator has
 * counted events, a duplicate, an unmanaged service's health and an actuation, every {@code
 * aegis_*} family of {@code /actuator/prometheus} passes promtool's lint rules and comes from an
 * entry of {@link MeterCatalogue}.
 */
@AegisComponentTest
@AutoConfigureMockMvc
// Spring Boot tests leave metrics export off; the scrape is what this test is about.
@AutoConfigureObservability(tracing = false)
class MetricsLintIT {

  @Autowired MockMvc mvc;
  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName("every aegis_* family of a live scrape is catalogued and passes promtool's lint")
  void liveScrapeIsLintFree() throws Exception {
    String id = ScenarioKit.submit(service, cluster, "lint-cart", "v2");
    assertThat(id).isNotBlank();
    EncodedEvent unmanaged =
        Wire.encode(
            EventType.HEALTH_REPORTED,
            Wire.window("lint-unmanaged", "v1", Track.STABLE, Instant.now(), 100, 0, 200),
            UUID.randomUUID().toString(),
            "lint-unmanaged");
    Wire.publish(unmanaged);
    Wire.publish(unmanaged);
    ScenarioKit.awaitProcessed(jdbi, unmanaged);

    String scrape =
        await()
            .atMost(WAIT)
            .until(
                () ->
                    mvc.perform(get("/actuator/prometheus"))
                        .andExpect(status().isOk())
                        .andReturn()
                        .getResponse()
                        .getContentAsString(),
                s ->
                    s.contains("aegis_events_duplicates_total")
                        && s.contains("aegis_actuation_results_total"));
    Map<String, Promlint.Family> families = Promlint.parse(scrape);
    Map<String, Promlint.Family> aegis =
        families.entrySet().stream()
            .filter(e -> e.getKey().startsWith("aegis_"))
            .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    System.out.println("aegis families on the scrape: " + aegis.keySet());

    assertThat(aegis)
        .containsKeys(
            "aegis_events_processed_total",
            "aegis_events_duplicates_total",
            "aegis_health_unmanaged_total",
            "aegis_actuation_results_total",
            "aegis_dead_letters_recorder_parked");
    assertThat(Promlint.lint(scrape, "aegis_")).isEmpty();
    // The series the chart's increase() alerts read are there at zero before their first count
    // (AlertedCounters), so that count is a rise Prometheus sees.
    assertThat(aegis.get("aegis_batch_lost_replies_total").samples())
        .extracting(Promlint.Sample::value)
        .containsExactly("0.0");
    assertThat(aegis.get("aegis_actuation_results_total").samples())
        .filteredOn(
            s ->
                "RollBackProduction".equals(s.labels().get("command"))
                    && "rejected".equals(s.labels().get("outcome")))
        .extracting(Promlint.Sample::value)
        .containsExactly("0.0");
    for (Promlint.Family f : aegis.values()) {
      String meter = f.name().replaceFirst("_total$", "").replace('_', '.');
      assertThat(
              MeterCatalogue.ENTRIES.stream()
                  .anyMatch(e -> e.name().replace('_', '.').equals(meter)))
          .as("%s comes from a MeterCatalogue entry", f.name())
          .isTrue();
    }
  }
}
