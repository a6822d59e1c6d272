package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.events.EncodedEvent;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.messaging.IngestListener;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
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
  @Autowired TestDatabase database;

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
    // Last, a window the database refuses (a trigger stands in for a failing disk or constraint):
    // the batch's transaction fails when it writes the windows, after every window fed the
    // trackers.
    batch.add(ScenarioKit.consumed(stable("refused", start.plus(Duration.ofMinutes(12))), 12));
    // As the owner: the application role may not create functions.
    database
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "CREATE FUNCTION refuse_window() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "IF NEW.version = 'refused' THEN RAISE EXCEPTION 'window refused'; END IF; "
                        + "RETURN NEW; END $$; CREATE TRIGGER refuse_window BEFORE INSERT ON "
                        + "health_windows FOR EACH ROW EXECUTE FUNCTION refuse_window()"));
    try {
      assertThatThrownBy(() -> ingest.onBatch(batch))
          .as("the refused window fails on its own too")
          .isInstanceOf(BatchListenerFailedException.class)
          .satisfies(e -> assertThat(((BatchListenerFailedException) e).getIndex()).isEqualTo(12));
    } finally {
      database
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "DROP TRIGGER refuse_window ON health_windows; DROP FUNCTION refuse_window()"));
    }
    var hour = ScenarioKit.stableLastHour(burnRates, "quill");
    assertThat(hour.requests()).as("requests counted in the last hour").isEqualTo(12_000.0);
    assertThat(hour.errors()).as("errors counted in the last hour").isEqualTo(1_200.0);
    assertThat(ScenarioKit.pageStates(jdbi, "quill"))
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

  @Test
  @DisplayName(
      "a window holding a NUL character, which PostgreSQL cannot store, is dead-lettered with its"
          + " pointer, and the rest of its batch takes effect")
  void nulCharacterIsDeadLetteredAlone() {
    ScenarioKit.submit(service, cluster, "inkwell", "v2");
    Instant start = Instant.now().minus(Duration.ofMinutes(5)).truncatedTo(ChronoUnit.MINUTES);
    EncodedEvent good = window("inkwell", "v0", start);
    EncodedEvent named = window("inkwell", "v0-nul", start.plusSeconds(60));
    // The codec encodes no NUL either: written into the JSON by hand, as a foreign producer would.
    EncodedEvent bad =
        new EncodedEvent(
            named.topic(),
            named.key(),
            new String(named.value(), StandardCharsets.UTF_8)
                .replace("\"v0-nul\"", "\"v0\\u0000\"")
                .getBytes(StandardCharsets.UTF_8),
            named.headers());
    assertThat(new String(bad.value(), StandardCharsets.UTF_8)).contains("\"v0\\u0000\"");

    ingest.onBatch(List.of(ScenarioKit.consumed(good, 1_000), ScenarioKit.consumed(bad, 1_001)));

    assertThat(
            query(
                "SELECT outcome FROM processed_events WHERE event_id = '"
                    + ScenarioKit.id(good)
                    + "'"))
        .containsExactly("applied");
    assertThat(
            query(
                "SELECT type || ': ' || (payload->>'reason') FROM outbox WHERE id = 'dlq:"
                    + bad.topic()
                    + "/0/"
                    + (Long.MAX_VALUE / 2 + 1_001)
                    + "'"))
        .containsExactly(
            "invalid-data: invalid data at /version: text holds U+0000 (NUL), which Aegis cannot"
                + " store");
  }

  private List<String> query(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  private static EncodedEvent stable(String version, Instant start) {
    return window("quill", version, start);
  }

  /** A one-minute window of the stable track, failing 10% of 1 000 requests. */
  private static EncodedEvent window(String service, String version, Instant start) {
    return ScenarioKit.stableMinute(service, version, start, 1000, 100, 200);
  }
}
