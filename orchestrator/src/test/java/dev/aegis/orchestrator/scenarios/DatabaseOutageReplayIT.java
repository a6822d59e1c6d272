package dev.aegis.orchestrator.scenarios;

import static dev.aegis.orchestrator.scenarios.ScenarioKit.WAIT;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.canaryWindows;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.duplicatesSkipped;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.experiment;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.id;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.oneRowEach;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.publish;
import static dev.aegis.orchestrator.scenarios.ScenarioKit.windowRowsPerEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.deadletter.DeadLetterRecorderHealth;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.DatabaseMode;
import dev.aegis.orchestrator.testsupport.RestartablePostgres;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.actuate.health.Status;

/**
 * A health event that cannot be processed because PostgreSQL is down is dead-lettered straight to
 * {@code aegis.dlq} after its retries, recorded in the table once the database is back, and a
 * replay makes it take effect exactly once, however often it is replayed.
 */
@AegisComponentTest(
    database = DatabaseMode.RESTARTABLE,
    properties = {
      "aegis.processing.attempts=3",
      "aegis.processing.initial-backoff=100ms",
      "aegis.processing.max-backoff=200ms"
    })
class DatabaseOutageReplayIT {

  private static final String SERVICE = "outage-replay";

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired Jdbi jdbi;
  @Autowired RestartablePostgres postgres;
  @Autowired DeadLetterRepository deadLetters;
  @Autowired ReplayService replays;
  @Autowired MeterRegistry metrics;
  @Autowired DeadLetterRecorderHealth recorderHealth;

  @Test
  @DisplayName(
      "a window dead-lettered during a database outage takes effect once when replayed, and a second replay changes nothing")
  void windowFailedDuringOutageTakesEffectOnceWhenReplayed() {
    String id = ScenarioKit.submit(service, cluster, SERVICE, "v2");
    EncodedEvent window =
        canaryWindows(SERVICE, "v2", Instant.now().minusSeconds(600), 1, 100, 0, 200).get(0);

    RecordMetadata original = publishDuringOutage(window);

    DeadLetter recorded =
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(() -> deadLetterOf(original), Optional::isPresent)
            .orElseThrow();
    await().atMost(WAIT).until(() -> recorderHealth.health().getStatus().equals(Status.UP));
    assertThat(metrics.get("aegis.dead_letters.recorder.parked").gauge().value()).isZero();
    assertThat(recorded.reasonCode()).isEqualTo("processing-failed");
    assertThat(recorded.originalTopic()).isEqualTo(Topics.HEALTH);
    assertThat(recorded.originalPartition()).isEqualTo(original.partition());
    assertThat(recorded.eventId()).isEqualTo(id(window));
    assertThat(recorded.replayCount()).isZero();
    assertThat(windowRowsPerEvent(jdbi, SERVICE)).as("nothing stored before the replay").isEmpty();
    assertThat(experiment(jdbi, id).progress().windows()).isZero();

    assertThat(replays.replay(recorded.id(), "test")).isPresent();
    await().atMost(WAIT).until(() -> experiment(jdbi, id).progress().windows() == 1);
    assertThat(windowRowsPerEvent(jdbi, SERVICE))
        .containsExactlyEntriesOf(oneRowEach(List.of(window)));

    double skippedBefore = duplicatesSkipped(metrics, Topics.HEALTH);
    assertThat(replays.replay(recorded.id(), "test")).isPresent();
    await()
        .atMost(WAIT)
        .until(() -> duplicatesSkipped(metrics, Topics.HEALTH) - skippedBefore >= 1);

    Experiment after = experiment(jdbi, id);
    assertThat(after.phase()).isEqualTo(Phase.CANARY);
    assertThat(after.progress().windows()).isEqualTo(1);
    assertThat(windowRowsPerEvent(jdbi, SERVICE)).isEqualTo(Map.of(id(window), 1L));
    assertThat(deadLetterOf(original).orElseThrow().replayCount()).isEqualTo(2);
  }

  /**
   * Stops PostgreSQL, publishes {@code window}, waits until its retries are spent and it is on
   * {@code aegis.dlq} as {@code processing-failed}, then starts PostgreSQL again.
   */
  private RecordMetadata publishDuringOutage(EncodedEvent window) {
    try (TopicTail dlq = SharedInfrastructure.kafka().tail(Topics.DLQ)) {
      postgres.stop();
      try {
        RecordMetadata original = publish(window);
        ConsumerRecord<String, byte[]> deadLettered =
            dlq.take(1, WAIT, r -> SERVICE.equals(r.key())).get(0);
        assertThat(TopicTail.header(deadLettered, DeadLetterHeaders.REASON_CODE))
            .isEqualTo("processing-failed");
        assertThat(TopicTail.header(deadLettered, DeadLetterHeaders.REASON))
            .startsWith("processing-failed: ");
        assertThat(TopicTail.header(deadLettered, DeadLetterHeaders.ORIGINAL_TOPIC))
            .isEqualTo(Topics.HEALTH);
        assertThat(TopicTail.header(deadLettered, DeadLetterHeaders.ORIGINAL_OFFSET))
            .isEqualTo(Long.toString(original.offset()));
        assertThat(deadLettered.value()).isEqualTo(window.value());
        // The recorder cannot store it yet: it is parked, and says so to SREs.
        await()
            .atMost(WAIT)
            .until(
                () -> recorderHealth.health().getStatus().equals(DeadLetterRecorderHealth.PARKED));
        assertThat(recorderHealth.health().getDetails())
            .containsKeys("parkedSince", "attempts", "lastError");
        assertThat(metrics.get("aegis.dead_letters.recorder.parked").gauge().value())
            .isEqualTo(1.0);
        return original;
      } finally {
        postgres.restart();
      }
    }
  }

  private Optional<DeadLetter> deadLetterOf(RecordMetadata original) {
    return jdbi
        .withHandle(
            h ->
                deadLetters.list(
                    Tx.of(h), new DeadLetterRepository.Filter(null, null, null, null), 1000))
        .stream()
        .filter(
            d ->
                Topics.HEALTH.equals(d.originalTopic())
                    && d.originalPartition() == original.partition()
                    && d.originalOffset() == original.offset())
        .findFirst();
  }
}
