package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.EncodedEvent;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.messaging.IngestListener;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
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

/**
 * A batch whose commit reaches PostgreSQL and commits, while its reply is lost: the connection
 * breaks first. The batch's windows fed the SLO burn-rate trackers in memory, and its records are
 * processed. So the batch must stand, its windows counted once, rather than be undone and its
 * records then found processed, which would leave them counted nowhere.
 *
 * <p>The reply is lost for real: a deferred trigger keeps the server inside the commit longer than
 * the pool's socket timeout, so the driver gives the connection up while the server goes on and
 * commits.
 */
@AegisComponentTest(
    properties =
        "spring.datasource.hikari.data-source-properties.socketTimeout="
            + LostCommitReplyIT.SOCKET_TIMEOUT)
class LostCommitReplyIT {

  /** Seconds the driver waits for any reply. */
  static final int SOCKET_TIMEOUT = 4;

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired IngestListener ingest;
  @Autowired BurnRateMonitor burnRates;
  @Autowired MeterRegistry metrics;
  @Autowired Jdbi jdbi;
  @Autowired TestDatabase database;

  @Test
  @DisplayName(
      "a batch whose commit lost its reply, and which PostgreSQL committed, stands: each window is"
          + " counted once, its SLO page is published once and its gauge set, and the lost reply is"
          + " counted")
  void committedBatchStandsWhenItsReplyIsLost() {
    ScenarioKit.submit(service, cluster, "quire", "v2");
    Instant start = Instant.now().minus(Duration.ofMinutes(20)).truncatedTo(ChronoUnit.MINUTES);
    List<EncodedEvent> windows = new ArrayList<>();
    List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
    // Twelve minutes of an old stable version failing 10% of requests: enough for the page, as in
    // RolledBackBatchIT. The last window's row makes the commit outlast the socket timeout.
    for (int minute = 0; minute < 12; minute++) {
      windows.add(window(minute == 11 ? "slow" : "v0", start.plus(Duration.ofMinutes(minute))));
      batch.add(ScenarioKit.consumed(windows.get(minute), minute));
    }
    // As the owner: the application role may not create functions.
    database
        .jdbi()
        .useHandle(
            h ->
                h.execute(
                    "CREATE FUNCTION slow_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                        + "PERFORM pg_sleep("
                        + (SOCKET_TIMEOUT + 3)
                        + "); RETURN NULL; END $$; CREATE CONSTRAINT TRIGGER slow_commit AFTER "
                        + "INSERT ON health_windows DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
                        + "WHEN (NEW.version = 'slow') EXECUTE FUNCTION slow_commit()"));
    try {
      ingest.onBatch(batch);
    } finally {
      database
          .jdbi()
          .useHandle(
              h ->
                  h.execute(
                      "DROP TRIGGER slow_commit ON health_windows; DROP FUNCTION slow_commit()"));
    }
    assertThat(
            query(
                "SELECT count(*) FROM processed_events WHERE outcome = 'applied' AND event_id IN ("
                    + String.join(
                        ", ", windows.stream().map(w -> "'" + ScenarioKit.id(w) + "'").toList())
                    + ")"))
        .as("the batch's records, each processed once")
        .containsExactly("12");
    var hour = ScenarioKit.stableLastHour(burnRates, "quire");
    assertThat(hour.requests()).as("requests counted in the last hour").isEqualTo(12_000.0);
    assertThat(hour.errors()).as("errors counted in the last hour").isEqualTo(1_200.0);
    assertThat(ScenarioKit.pageStates(jdbi, "quire"))
        .as("the page's event, enqueued by the batch that stood")
        .containsExactly("firing");
    assertThat(
            metrics
                .get("aegis.slo.alert.firing")
                .tags("service", "quire", "track", "stable", "severity", "page")
                .gauge()
                .value())
        .as("the page's gauge, set after commit")
        .isEqualTo(1.0);
    assertThat(metrics.get("aegis.batch.lost.replies").counter().count())
        .as("batches whose commit lost its reply and committed")
        .isEqualTo(1.0);
  }

  private List<String> query(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  /** A one-minute window of the stable track, failing 10% of 1 000 requests. */
  private static EncodedEvent window(String version, Instant start) {
    return ScenarioKit.stableMinute("quire", version, start, 1000, 100, 200);
  }
}
