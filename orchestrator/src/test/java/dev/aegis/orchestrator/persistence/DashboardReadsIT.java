package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.EventType;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.persistence.FeedRepository.Head;
import dev.aegis.orchestrator.persistence.FeedRepository.Table;
import dev.aegis.orchestrator.persistence.HealthWindowRepository.StoredWindow;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The reads the dashboard makes whose edges its end-to-end tests do not reach, on a real database
 * as the application role: the windows endpoint's limit and step filter, pending commands per
 * experiment, and where the live stream starts following a table.
 */
class DashboardReadsIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2025-06-01T00:00:00Z");

  @Test
  @DisplayName(
      "the newest windows of an experiment come oldest first; the limit keeps the newest, the step filters")
  void newestWindowsOfAnExperiment() {
    HealthWindowRepository health = new HealthWindowRepository();
    List<HealthWindowRepository.Row> rows = new ArrayList<>();
    int[] steps = {1, 1, 1, 2, 2};
    for (int i = 0; i < steps.length; i++) {
      rows.add(row("e1", steps[i], "w" + i, T0.plusSeconds(60L * i)));
    }
    rows.add(row("other", 1, "x", T0.plusSeconds(600)));
    app.useHandle(h -> health.insert(Tx.of(h), rows));

    List<StoredWindow> newest = app.withHandle(h -> health.newestOf(Tx.of(h), "e1", null, 3));
    List<StoredWindow> ofStepOne = app.withHandle(h -> health.newestOf(Tx.of(h), "e1", 1, 2));
    List<StoredWindow> ofStepThree = app.withHandle(h -> health.newestOf(Tx.of(h), "e1", 3, 10));

    assertThat(newest)
        .extracting(StoredWindow::windowEnd)
        .containsExactly(T0.plusSeconds(120), T0.plusSeconds(180), T0.plusSeconds(240));
    assertThat(newest).extracting(StoredWindow::step).containsExactly(1, 2, 2);
    assertThat(newest.get(0))
        .satisfies(
            w -> {
              assertThat(w.track()).isEqualTo("canary");
              assertThat(w.version()).isEqualTo("v2");
              assertThat(w.requests()).isEqualTo(200);
              assertThat(w.errors()).isEqualTo(3);
              assertThat(w.p95Ms()).isEqualTo(20.0);
            });
    assertThat(ofStepOne)
        .extracting(StoredWindow::windowEnd)
        .containsExactly(T0.plusSeconds(60), T0.plusSeconds(120));
    assertThat(ofStepThree).isEmpty();
  }

  @Test
  @DisplayName(
      "pending commands are counted per experiment: only PENDING actuations count, experiments without any are absent")
  void pendingActuationsPerExperiment() {
    OutboxRepository outbox = new OutboxRepository();
    app.useHandle(
        h -> {
          outbox.add(Tx.of(h), promote("a1", "e1"), T0);
          outbox.add(Tx.of(h), promote("a2", "e1"), T0);
          outbox.add(Tx.of(h), promote("a3", "e2"), T0);
          outbox.add(
              Tx.of(h),
              new OutboxMessage.Event("ev", EventType.LIFECYCLE_TRANSITIONED, "e2", "{}"),
              T0);
          outbox.add(Tx.of(h), promote("a4", "e3"), T0);
          outbox.markDone(Tx.of(h), List.of("a3", "a4"), T0);
        });

    Map<String, Integer> pending =
        app.withHandle(
            h -> outbox.pendingActuationsByExperiment(Tx.of(h), List.of("e1", "e2", "e3", "none")));
    Map<String, Integer> ofNone =
        app.withHandle(h -> outbox.pendingActuationsByExperiment(Tx.of(h), List.of()));

    assertThat(pending).containsExactlyInAnyOrderEntriesOf(Map.of("e1", 2));
    assertThat(ofNone).isEmpty();
  }

  @Test
  @DisplayName(
      "a table is followed from its last ids: the window's start and the ids present above it")
  void headOfATable() {
    FeedRepository feed = new FeedRepository();
    AuditRepository audit = new AuditRepository();
    Head empty = app.withHandle(h -> feed.head(Tx.of(h), Table.AUDIT, 2));
    app.useHandle(
        h -> {
          for (int i = 0; i < 5; i++) {
            audit.record(Tx.of(h), "alice", "test.action", "t" + i, Map.of(), T0);
          }
        });
    List<Long> ids =
        app.withHandle(h -> audit.after(Tx.of(h), 0, 10)).stream()
            .map(AuditRepository.Entry::id)
            .toList();

    Head head = app.withHandle(h -> feed.head(Tx.of(h), Table.AUDIT, 2));
    Head wide = app.withHandle(h -> feed.head(Tx.of(h), Table.AUDIT, 100));

    assertThat(empty).isEqualTo(new Head(0, List.of()));
    assertThat(ids).hasSize(5).isSorted();
    assertThat(head).isEqualTo(new Head(ids.get(4) - 2, ids.subList(3, 5)));
    assertThat(wide).isEqualTo(new Head(0, ids));
  }

  @Test
  @DisplayName(
      "a window's columns are stored as sent, its times at the microsecond the driver rounds a"
          + " bound timestamp to (half up, into the next second too); missing values stay NULL")
  void windowsAreStoredAsSent() {
    HealthWindowRepository health = new HealthWindowRepository();
    int[] nanos = {0, 123_456_789, 1_000_499, 1_000_500, 999_999_499, 999_999_500};
    List<HealthWindowRepository.Row> rows = new ArrayList<>();
    for (int i = 0; i < nanos.length; i++) {
      Instant t = T0.plusSeconds(i).plusNanos(nanos[i]);
      HealthWindow w =
          new HealthWindow(
              "checkout",
              "v" + i,
              HealthWindow.Track.values()[i % 3],
              t.minusSeconds(10),
              t,
              1000 + i,
              i,
              10.5 + i,
              20.25,
              30.125,
              i % 2 == 0 ? null : 0.25,
              i % 2 == 0 ? 0.5 : null,
              "shop");
      rows.add(
          new HealthWindowRepository.Row(
              w, i % 2 == 0 ? "e" + i : null, i % 2 == 0 ? i + 1 : null, "src-" + i, "id-" + i, t));
    }
    app.useHandle(h -> health.insert(Tx.of(h), rows));

    for (HealthWindowRepository.Row row : rows) {
      HealthWindow w = row.window();
      Map<String, Object> stored =
          app.withHandle(
              h ->
                  h.createQuery(
                          "SELECT namespace, service, version, track, requests, errors, p50_ms, p95_ms, "
                              + "p99_ms, cpu, memory, experiment_id, step, event_source, "
                              + "window_start = :start AS same_start, window_end = :end AS same_end, "
                              + "received_at = :end AS same_received FROM health_windows WHERE event_id = :id")
                      .bind("id", row.eventId())
                      // Bound as timestamps, as the driver rounds them.
                      .bind("start", java.sql.Timestamp.from(w.windowStart()))
                      .bind("end", java.sql.Timestamp.from(w.windowEnd()))
                      .mapToMap()
                      .one());
      java.util.Map<String, Object> expected = new java.util.HashMap<>();
      expected.put("namespace", w.namespace());
      expected.put("service", w.service());
      expected.put("version", w.version());
      expected.put("track", w.track().name().toLowerCase(java.util.Locale.ROOT));
      expected.put("requests", w.requests());
      expected.put("errors", w.errors());
      expected.put("p50_ms", w.p50Ms());
      expected.put("p95_ms", w.p95Ms());
      expected.put("p99_ms", w.p99Ms());
      expected.put("cpu", w.cpuUtilization());
      expected.put("memory", w.memoryUtilization());
      expected.put("experiment_id", row.experimentId());
      expected.put("step", row.step());
      expected.put("event_source", row.eventSource());
      expected.put("same_start", true);
      expected.put("same_end", true);
      expected.put("same_received", true);
      assertThat(stored).as("window %s", row.eventId()).isEqualTo(expected);
    }
  }

  private static HealthWindowRepository.Row row(
      String experimentId, int step, String eventId, Instant end) {
    HealthWindow w =
        new HealthWindow(
            "checkout",
            "v2",
            HealthWindow.Track.CANARY,
            end.minusSeconds(60),
            end,
            200,
            3,
            10,
            20,
            30,
            null,
            null,
            "shop");
    return new HealthWindowRepository.Row(w, experimentId, step, "test", eventId, end);
  }

  /** A pending promotion of {@code experimentId}: an actuation row of the outbox. */
  static OutboxMessage promote(String commandId, String experimentId) {
    return new OutboxMessage.Actuation(
        new Command.PromoteCandidate(
            commandId,
            experimentId,
            "svc",
            "default",
            new Candidate("v2", "registry.local/svc:v2")));
  }
}
