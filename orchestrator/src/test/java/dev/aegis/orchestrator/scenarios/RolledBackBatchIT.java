package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventType;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.messaging.IngestListener;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.kafka.listener.BatchListenerFailedException;

/**
 * A batch whose transaction rolls back after its windows fed the SLO burn-rate trackers, which live
 * in memory: the consumer processes its records again one by one, and the trackers must count each
 * window once, and fire the alert the rolled-back attempt fired.
 */
@AegisComponentTest
class RolledBackBatchIT {

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired IngestListener ingest;
  @Autowired BurnRateMonitor burnRates;
  @Autowired MeterRegistry metrics;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "a batch rolled back after its windows fired an SLO page counts each window once when its"
          + " records are processed again, and the page's event is published")
  void rolledBackBatchLeavesNoTraceInTheBurnRates() {
    ScenarioKit.submit(service, cluster, "quill", "v2");
    Instant start = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.MINUTES);
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    // Twelve minutes of an old stable version failing 10% of requests: enough for the page (1 h
    // and 5 min windows above 14.4x the budget), and not the production version, so the guard
    // leaves it alone.
    for (int minute = 0; minute < 12; minute++) {
      batch.add(
          ScenarioKit.consumed(stable("v0", start.plus(Duration.ofMinutes(minute))), batch.size()));
    }
    // Last, a window PostgreSQL cannot store (a NUL character in its version): the batch's
    // transaction fails when it writes the windows, after every window fed the trackers.
    batch.add(
        ScenarioKit.consumed(stable("v0\u0000", start.plus(Duration.ofMinutes(12))), batch.size()));

    assertThatThrownBy(() -> ingest.onBatch(batch))
        .as("the unstorable window fails on its own too")
        .isInstanceOf(BatchListenerFailedException.class)
        .satisfies(e -> assertThat(((BatchListenerFailedException) e).getIndex()).isEqualTo(12));

    var hour =
        burnRates.snapshot("quill", HealthWindow.Track.STABLE).orElseThrow().windows().stream()
            .filter(w -> w.window().equals(Duration.ofHours(1)))
            .findFirst()
            .orElseThrow();
    assertThat(hour.requests()).as("requests counted in the last hour").isEqualTo(12_000.0);
    assertThat(hour.errors()).as("errors counted in the last hour").isEqualTo(1_200.0);
    List<String> pages =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT payload->'data'->>'state' FROM outbox WHERE type = :type "
                            + "AND message_key = 'quill' AND payload->'data'->>'severity' = 'page'")
                    .bind("type", EventType.SLO_BURN_RATE_ALERTED.type())
                    .mapTo(String.class)
                    .list());
    assertThat(pages)
        .as("the page's event, enqueued by the records processed again")
        .containsExactly("firing");
    assertThat(
            metrics
                .get("aegis.slo.alert.firing")
                .tags("service", "quill", "track", "stable", "severity", "page")
                .gauge()
                .value())
        .isEqualTo(1.0);
  }

  private static EncodedEvent stable(String version, Instant start) {
    HealthReported data =
        new HealthReported(
            "quill",
            version,
            Track.STABLE,
            start,
            start.plusSeconds(60),
            1000,
            100,
            new Latency(100, 200, 300),
            0.5,
            0.5);
    return Wire.encode(EventType.HEALTH_REPORTED, data, UUID.randomUUID().toString(), "quill");
  }
}
