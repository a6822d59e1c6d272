package dev.aegis.orchestrator.standalone.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A restart of the standalone demo on a kept database: a live experiment whose canary the cluster
 * still has resumes; one whose canary the cluster forgot is aborted; services with either get no
 * new demo experiment.
 */
@AegisComponentTest
class DemoLeftoversIT {

  @Autowired ExperimentService service;
  @Autowired ExperimentRepository experiments;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired OutboxRepository outbox;

  private final SimulatorProperties properties =
      new SimulatorProperties(
          false,
          "demo",
          Duration.ofSeconds(1),
          400,
          Duration.ofSeconds(15),
          true,
          Duration.ofSeconds(5));

  @Test
  @DisplayName(
      "a demo experiment whose canary the kept cluster still runs resumes, and its service gets no new one")
  void leftoversOnAKeptClusterResume() {
    new DemoCluster(cluster, "demo").seed();
    String running = submit("1.5.0-kept");
    await().atMost(Duration.ofSeconds(30)).until(() -> canary() != null);

    Set<String> busy =
        DemoConfiguration.settleLeftovers(
            service, new Transactions(jdbi), experiments, properties, cluster);

    assertThat(busy).containsExactly("checkout");
    assertThat(phase(running)).isEqualTo(Phase.CANARY);
    abortQuietly(running);
  }

  @Test
  @DisplayName(
      "a demo experiment whose canary the cluster forgot is aborted, and the queued one takes its service")
  void leftoversOnAForgottenClusterAreAborted() {
    new DemoCluster(cluster, "demo").seed();
    String running = submit("1.5.0-old");
    String queued = submit("1.5.0-older");
    assertThat(phase(queued)).isEqualTo(Phase.QUEUED);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> canary() != null && settledOnCluster(running));
    cluster.apps().deployments().inNamespace("demo").withName("checkout-canary").delete();
    await().atMost(Duration.ofSeconds(10)).until(() -> canary() == null);

    Set<String> busy =
        DemoConfiguration.settleLeftovers(
            service, new Transactions(jdbi), experiments, properties, cluster);

    await().atMost(Duration.ofSeconds(60)).until(() -> phase(running) == Phase.ABORTED);
    assertThat(busy).containsExactly("checkout");
    await().atMost(Duration.ofSeconds(30)).until(() -> phase(queued) == Phase.CANARY);
    abortQuietly(queued);
  }

  /**
   * Whether every command of the experiment has been carried out, so nothing puts its canary back.
   */
  private boolean settledOnCluster(String id) {
    return jdbi.withHandle(h -> outbox.pendingActuations(Tx.of(h), id)) == 0;
  }

  private Object canary() {
    return cluster.apps().deployments().inNamespace("demo").withName("checkout-canary").get();
  }

  private void abortQuietly(String id) {
    service.command(id, LifecycleInput.ManualAction.ABORT, "test", "test over");
    await().atMost(Duration.ofSeconds(60)).until(() -> phase(id).isSettled());
  }

  private String submit(String version) {
    SubmitOutcome outcome =
        service.submit(
            new ExperimentSubmitted(
                "checkout",
                "demo",
                new Candidate(version, DemoCatalogue.image("checkout", version)),
                null,
                "istio"),
            ExperimentService.Origin.rest("test"),
            null);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  private Phase phase(String id) {
    return jdbi.withHandle(h -> experiments.find(Tx.of(h), id)).orElseThrow().experiment().phase();
  }
}
