package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A rollback the cluster cannot carry out: the experiment stays ROLLING_BACK (never reported as
 * done), the alarm is raised as a metric, an audit entry and a {@code
 * dev.aegis.actuation.alarmed.v1} event; once the cause is fixed the rollback, never given up, is
 * applied and the candidate is quarantined.
 */
@AegisComponentTest(
    properties = {
      "aegis.kubernetes.retry.initial-backoff=20ms",
      "aegis.kubernetes.retry.max-backoff=200ms",
      "aegis.kubernetes.retry.attempts=1"
    })
class RollbackAlarmIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired ExperimentRepository experiments;
  @Autowired Jdbi jdbi;
  @Autowired MeterRegistry metrics;

  @Test
  @DisplayName(
      "a rollback that keeps failing raises the alarm and is never reported as done; fixed, it completes")
  void failingRollbackRaisesTheAlarm() throws Exception {
    try (TopicTail lifecycle = SharedInfrastructure.kafka().tail(Topics.LIFECYCLE)) {
      String id = ScenarioKit.submit(service, cluster, "vault", "v3");
      // The first shift writes the canary, then the stable: wait for the stable's write, or the
      // deletion below can make that shift fail and abort the experiment before any rollback.
      await()
          .atMost(WAIT)
          .until(
              () -> {
                Deployment stable =
                    cluster
                        .apps()
                        .deployments()
                        .inNamespace(Wire.NAMESPACE)
                        .withName("vault")
                        .get();
                return stable != null
                    && stable.getMetadata().getAnnotations() != null
                    && (id + ":1:0")
                        .equals(
                            stable
                                .getMetadata()
                                .getAnnotations()
                                .get(AegisMetadata.LAST_ACTUATION));
              });

      // The stable workload disappears (someone deleted it): the rollback has nothing to return
      // traffic to.
      cluster.apps().deployments().inNamespace(Wire.NAMESPACE).withName("vault").delete();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  cluster.apps().deployments().inNamespace(Wire.NAMESPACE).withName("vault").get()
                      == null);
      Wire.publishCanary("vault", "v3", Instant.now().minusSeconds(600), 4, 100, 5, 200);

      await().atMost(WAIT).until(() -> experiment(id).actuation().alarm());
      Experiment alarmed = experiment(id);
      assertThat(alarmed.phase()).isEqualTo(Phase.ROLLING_BACK);
      assertThat(alarmed.actuation().problem()).contains("RollBackCandidate").contains("rejected");
      assertThat(metrics.find("aegis.actuation.alarms").tag("service", "vault").counter().count())
          .isEqualTo(1.0);

      ConsumerRecord<String, byte[]> event =
          lifecycle
              .take(
                  1,
                  WAIT,
                  r ->
                      EventType.ACTUATION_ALARMED.type().equals(TopicTail.header(r, "ce_type"))
                          && id.equals(r.key()))
              .get(0);
      JsonNode data = JSON.readTree(event.value());
      assertThat(data.path("experimentId").asText()).isEqualTo(id);
      assertThat(data.path("commandKind").asText()).isEqualTo("RollBackCandidate");
      assertThat(data.path("phase").asText()).isEqualTo("ROLLING_BACK");

      cluster
          .resource(
              ClusterFixtures.stableDeployment(
                  Wire.NAMESPACE, "vault", "registry.local/vault:v1", 4))
          .create();
      await().atMost(WAIT).until(() -> experiment(id).phase() == Phase.QUARANTINED);
      assertThat(experiment(id).actuation().alarm())
          .as("the alarm ends with the rollback")
          .isFalse();
    }
  }

  private Experiment experiment(String id) {
    return jdbi.withHandle(h -> experiments.find(Tx.of(h), id)).orElseThrow().experiment();
  }
}
