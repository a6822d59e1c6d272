package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.EncodedEvent;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.config.AegisProperties;
import dev.aegis.orchestrator.messaging.ConsumerStopGuard;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.slo.SloPolicy;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.HealthEndpoint;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.LivenessState;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.kafka.event.ConsumerStoppedEvent;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * A consumer that stops without being asked to takes the replica down. The seam is where the heap
 * ran out in the scale benchmark: the burn-rate monitor creating a service's first tracker. Here
 * its policy lookup throws an {@link OutOfMemoryError} for one service, on the real ingest path
 * (real broker, real database); the container stops its consumer on that Error, and the replica
 * must turn liveness BROKEN and ask to exit with {@link ConsumerStopGuard#EXIT_CODE}. The exit is
 * recorded, not carried out, so the test JVM lives on.
 */
@AegisComponentTest
@Import(ConsumerErrorExitIT.Seams.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsumerErrorExitIT {

  private static final String HEAP_EXHAUSTED = "heap-exhausted";
  private static final String HEALTHY = "steady";
  private static final Duration WAIT = Duration.ofSeconds(60);

  /**
   * Not a {@code @Configuration}: imported by this class only, so no other context's component scan
   * picks it up.
   */
  static class Seams {

    @Bean
    @Primary
    RecordingExit recordingExit() {
      return new RecordingExit();
    }

    @Bean
    @Primary
    BurnRateMonitor exhaustedOnOneService(AegisProperties properties) {
      SloPolicy policy = SloPolicy.workbook(properties.remediation().sloObjective());
      return new BurnRateMonitor(
          service -> {
            if (service.equals(HEAP_EXHAUSTED)) {
              throw new OutOfMemoryError("Java heap space (test: creating a burn-rate tracker)");
            }
            return policy;
          });
    }
  }

  @Autowired RecordingExit exit;
  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired ApplicationAvailability availability;
  @Autowired HealthEndpoint health;

  @Autowired
  @Qualifier("ingestContainer")
  MessageListenerContainer ingest;

  @Test
  @Order(1)
  @DisplayName(
      "a consumer stopped on request and started again is no reason to exit: it consumes on")
  void requestedStopIsLeftAlone() {
    ScenarioKit.submit(service, cluster, HEALTHY, "v2");
    awaitAssigned();

    ingest.stop();
    await().atMost(WAIT).until(() -> exit.stops().contains(ConsumerStoppedEvent.Reason.NORMAL));
    ingest.start();
    awaitAssigned();
    EncodedEvent window = ScenarioKit.stableWindow(HEALTHY, Instant.now().minusSeconds(5));
    ScenarioKit.publish(window);
    ScenarioKit.awaitProcessed(jdbi, window);

    assertThat(exit.codes()).isEmpty();
    assertThat(availability.getLivenessState()).isEqualTo(LivenessState.CORRECT);
  }

  @Test
  @Order(2)
  @DisplayName(
      "an OutOfMemoryError on the ingest path stops the consumer, and the replica turns liveness BROKEN and exits with 70")
  void errorInTheListenerTakesTheReplicaDown() {
    ScenarioKit.submit(service, cluster, HEAP_EXHAUSTED, "v2");
    awaitAssigned();

    EncodedEvent window = ScenarioKit.stableWindow(HEAP_EXHAUSTED, Instant.now().minusSeconds(5));
    ScenarioKit.publish(window);

    await().atMost(WAIT).until(() -> !exit.codes().isEmpty());
    assertThat(exit.codes()).containsExactly(ConsumerStopGuard.EXIT_CODE);
    assertThat(exit.stops()).contains(ConsumerStoppedEvent.Reason.ERROR);
    assertThat(availability.getLivenessState()).isEqualTo(LivenessState.BROKEN);
    assertThat(health.healthForPath("liveness").getStatus()).isEqualTo(Status.DOWN);
    assertThat(ingest.isInExpectedState()).as("the consumer is gone, not paused").isFalse();
    assertThat(ScenarioKit.processed(jdbi, window)).isFalse();
  }

  private void awaitAssigned() {
    await()
        .atMost(WAIT)
        .until(
            () ->
                ingest.getAssignedPartitions() != null
                    && !ingest.getAssignedPartitions().isEmpty());
  }
}
