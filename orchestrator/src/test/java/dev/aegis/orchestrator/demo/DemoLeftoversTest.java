package dev.aegis.orchestrator.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.orchestrator.experiments.ExperimentService;
import dev.aegis.orchestrator.experiments.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A restart of the standalone demo on a kept database: what the last run left running is aborted. */
@AegisComponentTest
class DemoLeftoversTest {

  @Autowired ExperimentService service;
  @Autowired ExperimentRepository experiments;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName("demo experiments left running or queued by a previous run are aborted, so this run's take their services")
  void leftoversAreAborted() {
    SimulatorProperties properties = new SimulatorProperties(false, "demo", Duration.ofSeconds(1), 400,
        Duration.ofSeconds(15), true);
    new DemoCluster(cluster, "demo").seed();
    String running = submit("1.5.0-old");
    String queued = submit("1.5.0-older");
    assertThat(phase(queued)).isEqualTo(Phase.QUEUED);

    DemoConfiguration.abortLeftovers(service, jdbi, experiments, properties);

    await().atMost(Duration.ofSeconds(60)).until(() -> phase(running) == Phase.ABORTED && phase(queued) == Phase.ABORTED);
    assertThat(jdbi.withHandle(h -> experiments.findLive(h, "demo", "checkout")).isPresent()).as("service held").isFalse();
  }

  private String submit(String version) {
    SubmitOutcome outcome = service.submit(new ExperimentSubmitted("checkout", "demo",
        new Candidate(version, DemoCatalogue.image("checkout", version)), null, "istio"),
        ExperimentService.Origin.rest("test"), null);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  private Phase phase(String id) {
    return jdbi.withHandle(h -> experiments.find(h, id)).orElseThrow().experiment().phase();
  }
}
