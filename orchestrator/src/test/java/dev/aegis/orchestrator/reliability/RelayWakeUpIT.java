package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import java.time.Duration;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The application's relays carry out what a commit gave them without waiting for their periodic
 * pass: with both intervals an hour long, a submission's first traffic shift reaches the API server
 * and its lifecycle event is published.
 */
@AegisComponentTest(
    properties = {
      "aegis.kubernetes.mode=external",
      "aegis.kubernetes.experiment-resources=false",
      "aegis.kubernetes.relay-interval=1h",
      "aegis.outbox.poll-interval=1h"
    })
class RelayWakeUpIT {

  private static final ClusterApi CLUSTER = new ClusterApi();

  @DynamicPropertySource
  static void actOnTheTestsApiServer(DynamicPropertyRegistry registry) {
    registry.add("aegis.kubernetes.master-url", CLUSTER::masterUrl);
  }

  @AfterAll
  static void stopApiServer() {
    CLUSTER.close();
  }

  @Autowired ExperimentService service;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "a submission's traffic shift and its event leave at once, though both relays' next passes are"
          + " an hour away")
  void committedWorkWakesTheRelays() {
    CanaryEvents.deployStable(CLUSTER.admin(), "woken");
    SubmitOutcome outcome =
        service.submit(
            CanaryEvents.submission("woken", "v2"), ExperimentService.Origin.rest("test"), null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    String id = ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();

    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              assertThat(statuses(id, "actuation")).isNotEmpty().containsOnly("DONE");
              assertThat(statuses(id, "event")).isNotEmpty().containsOnly("DONE");
            });
  }

  private List<String> statuses(String experimentId, String kind) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT status FROM outbox WHERE experiment_id = :id AND kind = :kind ORDER BY seq")
                .bind("id", experimentId)
                .bind("kind", kind)
                .mapTo(String.class)
                .list());
  }
}
