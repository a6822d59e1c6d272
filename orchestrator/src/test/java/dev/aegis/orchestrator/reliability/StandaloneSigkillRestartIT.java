package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a standalone Aegis mid-canary, then the same command again on the same data
 * directory: it comes back, the experiment resumes where it was, the cluster still has its
 * Deployments, and every health event the broker had acknowledged before the kill is processed
 * once.
 */
class StandaloneSigkillRestartIT {

  private static final String SOURCE = "/monitors/sigkill-test";
  private static final int EVENTS = 300;
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SUBMISSION =
      """
      {"service": "checkout", "namespace": "demo",
       "candidate": {"version": "1.5.0-sigkill", "image": "registry.local/demo/checkout:1.5.0-sigkill"},
       "policy": {"steps": [{"weight": 10, "minDuration": "PT90S"}, {"weight": 50, "minDuration": "PT90S"},
                            {"weight": 100, "minDuration": "PT90S"}],
                  "slo": {"maxErrorRate": 0.02, "maxP95LatencyMs": 3000}, "minRequestsPerStep": 200}}
      """;

  @TempDir Path work;

  @Test
  @DisplayName(
      "after SIGKILL mid-canary one restart resumes the experiment and processes every accepted event")
  void sigkillMidCanaryLosesNothing() throws Exception {
    // The simulator plays the demo services' monitors; the experiment is submitted here, with steps
    // long
    // enough that it is still in its canary after the restart.
    try (StandaloneProcess aegis =
        new StandaloneProcess(
            work.resolve("data"),
            List.of(
                "--aegis.simulator.enabled=true",
                "--aegis.simulator.tick=500ms",
                "--aegis.simulator.experiments=false"))) {
      Duration firstStart = aegis.startAndAwaitReady();
      assertThat(aegis.post("/api/v1/experiments", SUBMISSION)).isEqualTo(201);
      String experiment =
          await().atMost(WAIT).until(() -> canaryWithWindows(aegis, 3), id -> id != null);
      Progress before = progress(aegis, experiment);
      Set<String> deploymentsBefore = checkoutDeployments(aegis);
      assertThat(deploymentsBefore)
          .as("stable and canary Deployments")
          .hasSizeGreaterThanOrEqualTo(2);

      List<String> accepted = produceHealthEvents(aegis, EVENTS);
      int processedBeforeKill = processedCount(aegis, accepted);
      aegis.kill();

      Duration restart = aegis.startAndAwaitReady();
      aegis.printStartupLines("StandaloneSigkillRestartIT: restart: ");
      System.out.printf(
          "StandaloneSigkillRestartIT: first start %d ms, restart after SIGKILL %d ms "
              + "(ready = readiness 200); %d events accepted, %d processed before the kill%n",
          firstStart.toMillis(), restart.toMillis(), EVENTS, processedBeforeKill);

      Progress after = progress(aegis, experiment);
      System.out.println(
          "StandaloneSigkillRestartIT: history of "
              + experiment
              + ":\n"
              + history(aegis, experiment));
      assertThat(after.step()).as("step").isGreaterThanOrEqualTo(before.step());
      assertThat(after.windows())
          .as("windows counted toward the experiment")
          .isGreaterThanOrEqualTo(before.windows());
      assertThat(after.phase()).isIn("CANARY", "PROMOTED");
      assertThat(checkoutDeployments(aegis)).containsAll(deploymentsBefore);

      long caughtUp = System.nanoTime();
      await().atMost(WAIT).until(() -> processedCount(aegis, accepted) == accepted.size());
      System.out.printf(
          "StandaloneSigkillRestartIT: all %d accepted events processed %d ms after ready; "
              + "experiment %s at step %d -> %d, windows %d -> %d%n",
          accepted.size(),
          (System.nanoTime() - caughtUp) / 1_000_000,
          before.phase(),
          before.step(),
          after.step(),
          before.windows(),
          after.windows());
      Map<String, Long> rowsPerEvent = windowRowsPerEvent(aegis, accepted);
      assertThat(rowsPerEvent)
          .as("health windows stored per event, none twice")
          .hasSize(accepted.size())
          .allSatisfy((id, rows) -> assertThat(rows).isEqualTo(1));
    }
  }

  private record Progress(String phase, int step, long windows) {}

  /**
   * The checkout experiment once it is in CANARY with at least {@code windows} windows, else null.
   */
  private static String canaryWithWindows(StandaloneProcess aegis, int windows)
      throws SQLException {
    try (Connection c = aegis.database();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT e.id FROM experiments e WHERE e.service = 'checkout' AND e.phase = 'CANARY' AND "
                    + "(SELECT count(*) FROM health_windows w WHERE w.experiment_id = e.id) >= ?")) {
      s.setInt(1, windows);
      try (ResultSet rows = s.executeQuery()) {
        return rows.next() ? rows.getString(1) : null;
      }
    } catch (SQLException e) {
      return null; // not up yet
    }
  }

  private static Progress progress(StandaloneProcess aegis, String experiment) throws SQLException {
    try (Connection c = aegis.database();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT phase, step_index, (SELECT count(*) FROM health_windows w WHERE w.experiment_id = e.id) "
                    + "FROM experiments e WHERE id = ?")) {
      s.setString(1, experiment);
      try (ResultSet rows = s.executeQuery()) {
        assertThat(rows.next()).as("experiment " + experiment).isTrue();
        return new Progress(rows.getString(1), rows.getInt(2), rows.getLong(3));
      }
    }
  }

  private static String history(StandaloneProcess aegis, String experiment) throws SQLException {
    StringBuilder out = new StringBuilder();
    try (Connection c = aegis.database();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT at, from_phase, to_phase, trigger, step, weight, reason FROM transitions "
                    + "WHERE experiment_id = ? ORDER BY id")) {
      s.setString(1, experiment);
      try (ResultSet rows = s.executeQuery()) {
        while (rows.next()) {
          out.append(
              String.format(
                  "  %s %s -> %s [%s] step %d weight %d: %s%n",
                  rows.getTimestamp(1),
                  rows.getString(2),
                  rows.getString(3),
                  rows.getString(4),
                  rows.getInt(5),
                  rows.getInt(6),
                  rows.getString(7)));
        }
      }
    }
    return out.toString();
  }

  private static Set<String> checkoutDeployments(StandaloneProcess aegis) {
    try (KubernetesClient client =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl(aegis.kubernetesUrl()).build())
            .build()) {
      Set<String> names = new TreeSet<>();
      client.apps().deployments().inNamespace("demo").list().getItems().stream()
          .map(d -> d.getMetadata().getName())
          .filter(n -> n.startsWith("checkout"))
          .forEach(names::add);
      return names;
    }
  }

  /**
   * Publishes {@code count} stable-track windows of the checkout service as a monitor would, waits
   * for the broker to acknowledge them all, and returns their ids. Sent in one burst, so the
   * application has not consumed them all when the kill follows.
   */
  private static List<String> produceHealthEvents(StandaloneProcess aegis, int count)
      throws Exception {
    EventCodec codec = new EventCodec();
    List<String> ids = new ArrayList<>();
    List<Future<RecordMetadata>> sends = new ArrayList<>();
    Instant start = Instant.now().minusSeconds(count);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                aegis.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true),
            new StringSerializer(),
            new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String id = UUID.randomUUID().toString();
        Instant windowStart = start.plusSeconds(i);
        EncodedEvent event =
            codec.encodeBinary(
                Events.envelope(EventType.HEALTH_REPORTED, id, SOURCE, "checkout", Instant.now()),
                new HealthReported(
                    "checkout",
                    "1.4.0",
                    Track.STABLE,
                    windowStart,
                    windowStart.plusSeconds(1),
                    100,
                    0,
                    new Latency(20, 40, 60),
                    0.3,
                    0.4));
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(event.topic(), event.key(), event.value());
        event.headers().forEach((name, value) -> record.headers().add(name, value));
        sends.add(producer.send(record));
        ids.add(id);
      }
      for (Future<RecordMetadata> send : sends) {
        send.get(30, TimeUnit.SECONDS);
      }
    }
    return ids;
  }

  /** How many of {@code ids} have their processed-event row (or, failing that, a dead letter). */
  private static int processedCount(StandaloneProcess aegis, List<String> ids) throws SQLException {
    try (Connection c = aegis.database();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT count(*) FROM unnest(?::text[]) AS i(id) WHERE EXISTS (SELECT 1 FROM processed_events p "
                    + "WHERE p.source = ? AND p.event_id = i.id) OR EXISTS (SELECT 1 FROM dead_letters d "
                    + "WHERE d.event_id = i.id)")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      s.setString(2, SOURCE);
      try (ResultSet rows = s.executeQuery()) {
        rows.next();
        return rows.getInt(1);
      }
    }
  }

  private static Map<String, Long> windowRowsPerEvent(StandaloneProcess aegis, List<String> ids)
      throws SQLException {
    Map<String, Long> rows = new HashMap<>();
    try (Connection c = aegis.database();
        PreparedStatement s =
            c.prepareStatement(
                "SELECT event_id, count(*) FROM health_windows WHERE event_id = ANY (?::text[]) GROUP BY event_id")) {
      s.setArray(1, c.createArrayOf("text", ids.toArray()));
      try (ResultSet result = s.executeQuery()) {
        while (result.next()) {
          rows.put(result.getString(1), result.getLong(2));
        }
      }
    }
    return rows;
  }
}
