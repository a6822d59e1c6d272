package dev.aegis.orchestrator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.actuation.ActuationResult;
import dev.aegis.orchestrator.actuation.ActuationRelay;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class AlertedCountersTest {

  private static final AlertedCounters.Labels LABELS =
      new AlertedCounters.Labels(
          List.of("aegis.health", "aegis.chaos"),
          List.of("applied", "dead_lettered"),
          List.of("SetTrafficWeight", "RollBackCandidate"),
          List.of("applied", "rejected"));

  @Test
  @DisplayName("every alerted series is on the first scrape, at zero, before anything counts")
  void seriesAreScrapedAtZeroFromTheStart() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().meterFilter(new MeterCatalogue());

    AlertedCounters counters = AlertedCounters.register(registry, LABELS);

    assertThat(counters.registered()).hasSize(2 + 2 * 2 + 2 * 2);
    String scrape = registry.scrape();
    Map<String, Promlint.Family> families = Promlint.parse(scrape);
    assertThat(value(families, "aegis_batch_lost_replies_total", Map.of())).isEqualTo(0.0);
    assertThat(value(families, "aegis_actuation_lease_lost_total", Map.of())).isEqualTo(0.0);
    assertThat(
            value(
                families,
                "aegis_events_processed_total",
                Map.of("topic", "aegis.chaos", "outcome", "dead_lettered")))
        .isEqualTo(0.0);
    assertThat(
            value(
                families,
                "aegis_actuation_results_total",
                Map.of("command", "RollBackCandidate", "outcome", "rejected")))
        .isEqualTo(0.0);
    assertThat(families.get("aegis_events_processed_total").samples()).hasSize(4);
    assertThat(Promlint.lint(scrape, "aegis_")).isEmpty();
  }

  @Test
  @DisplayName("a later count goes to the registered series: the first count is a rise from zero")
  void countsGoToTheRegisteredSeries() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AlertedCounters.register(registry, LABELS);

    registry.counter("aegis.batch.lost.replies").increment();
    registry
        .counter("aegis.actuation.results", "command", "RollBackCandidate", "outcome", "rejected")
        .increment();

    Map<String, Promlint.Family> families = Promlint.parse(registry.scrape());
    assertThat(value(families, "aegis_batch_lost_replies_total", Map.of())).isEqualTo(1.0);
    assertThat(
            value(
                families,
                "aegis_actuation_results_total",
                Map.of("command", "RollBackCandidate", "outcome", "rejected")))
        .isEqualTo(1.0);
    assertThat(
            value(
                families,
                "aegis_actuation_results_total",
                Map.of("command", "SetTrafficWeight", "outcome", "rejected")))
        .isEqualTo(0.0);
  }

  @Test
  @DisplayName("the actuation outcomes registered are the tags the relay counts, one per result")
  void actuationOutcomesFollowTheResultTypes() {
    assertThat(ActuationRelay.outcomeTags())
        .containsExactlyInAnyOrder("applied", "rejected", "deferred");
    assertThat(ActuationRelay.outcomeTag(ActuationResult.Rejected.class)).isEqualTo("rejected");
  }

  private static double value(
      Map<String, Promlint.Family> families, String name, Map<String, String> labels) {
    Promlint.Family family = families.get(name);
    assertThat(family).as("family %s on the scrape", name).isNotNull();
    return family.samples().stream()
        .filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .map(s -> Double.parseDouble(s.value()))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + labels + " is not on the scrape"));
  }
}
