package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.service.ProductionService;
import dev.aegis.orchestrator.suggestions.Suggestion;
import dev.aegis.orchestrator.suggestions.SuggestionService;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.groups.Tuple;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The suggestion rules on what real runs recorded. */
@AegisComponentTest
class SuggestionsIT {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired ExperimentRepository experiments;
  @Autowired ProductionService production;
  @Autowired SuggestionService suggestions;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "wide margins suggest shorter steps, repeated scale-ups suggest more capacity, a latency quarantine suggests a re-run with the previous limits")
  void rulesFireOnWhatWasRecorded() {
    assertThat(suggestions.suggestions()).as("nothing recorded, nothing suggested").isEmpty();

    Instant start = Instant.now().minusSeconds(3600);
    for (int i = 0; i < 3; i++) {
      String version = "v" + (i + 2);
      String id = ScenarioKit.submit(service, cluster, "catalog", version);
      // Error rate 0 and p95 200 ms against 2% and 3000 ms: wide margins.
      Wire.publishCanary("catalog", version, start.plusSeconds(100L * i), 6, 100, 0, 200);
      awaitPhase(id, Phase.PROMOTED);
    }
    for (int i = 0; i < 3; i++) {
      production.scale(
          Wire.NAMESPACE,
          "catalog",
          4 + i,
          1,
          20,
          "aegis:guard",
          "p95 12000 ms > 10000 ms for 120 s",
          null);
    }
    String slow = ScenarioKit.submit(service, cluster, "images", "v5");
    Wire.publishCanary("images", "v5", start, 3, 100, 0, 4500);
    awaitPhase(slow, Phase.QUARANTINED);

    List<Suggestion> all = suggestions.suggestions();
    assertThat(all)
        .extracting(Suggestion::kind, Suggestion::service)
        .containsExactlyInAnyOrder(
            Tuple.tuple("shorter-steps", "catalog"),
            Tuple.tuple("production-keeps-scaling", "catalog"),
            Tuple.tuple("latency-quarantine", "images"));
    assertThat(all).extracting(Suggestion::namespace).containsOnly(Wire.NAMESPACE);
    Suggestion shorter =
        all.stream().filter(s -> s.kind().equals("shorter-steps")).findFirst().orElseThrow();
    assertThat(shorter.evidence())
        .containsEntry("promotedExperiments", 3)
        .containsEntry("maxErrorRateShareOfSlo", 0.0);
    assertThat(shorter.evidence().get("maxP95ShareOfSlo")).isEqualTo(0.067);
  }

  private void awaitPhase(String id, Phase phase) {
    await()
        .atMost(WAIT)
        .until(
            () ->
                jdbi.withHandle(h -> experiments.find(Tx.of(h), id))
                        .orElseThrow()
                        .experiment()
                        .phase()
                    == phase);
  }
}
