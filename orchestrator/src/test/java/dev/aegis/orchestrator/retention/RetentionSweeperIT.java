package dev.aegis.orchestrator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.RetentionRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.slo.SloPolicy;
import dev.aegis.orchestrator.retention.RetentionSweeper.Kind;
import dev.aegis.orchestrator.retention.RetentionSweeper.Skipped;
import dev.aegis.orchestrator.retention.RetentionSweeper.Swept;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The sweeper on a real database, connected as the application role, at a fixed time: what is old
 * goes, what is young or still needed stays, and the history is untouched.
 */
class RetentionSweeperIT extends FreshDatabaseTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

  private SimpleMeterRegistry metrics;
  private BurnRateMonitor burnRates;

  @BeforeEach
  void wire() {
    metrics = new SimpleMeterRegistry();
    burnRates = new BurnRateMonitor(SloPolicy.DEFAULT);
  }

  @Test
  @DisplayName(
      "old windows, inbox markers, published outbox rows and dead letters go; young and protected ones stay")
  void prunesWhatIsOldAndKeepsWhatIsNeeded() {
    app.useHandle(
        h -> {
          service(h, "checkout", null, null);
          experiment(h, "running", "checkout", "v9", "CANARY", daysAgo(200));
          experiment(h, "settled", "checkout", "v1", "ABORTED", daysAgo(200));
          window(h, "old-free", null, daysAgo(15));
          window(h, "old-of-running", "running", daysAgo(15));
          window(h, "old-of-settled", "settled", daysAgo(15));
          window(h, "young", null, daysAgo(13));
          inbox(h, "old", daysAgo(8));
          inbox(h, "young", daysAgo(6));
          outbox(h, "published-old", "DONE", daysAgo(8), null);
          outbox(h, "published-young", "DONE", daysAgo(6), null);
          outbox(h, "pending-old", "PENDING", null, null);
          outbox(h, "blocked-old", "BLOCKED", null, null);
          deadLetter(h, 1, daysAgo(31), null);
          deadLetter(h, 2, daysAgo(31), daysAgo(1));
          deadLetter(h, 3, daysAgo(29), null);
        });

    Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

    assertThat(swept.pruned())
        .containsEntry(Kind.HEALTH_WINDOWS, 2L)
        .containsEntry(Kind.INBOX, 1L)
        .containsEntry(Kind.PUBLISHED_OUTBOX, 1L)
        .containsEntry(Kind.DEAD_LETTERS, 1L);
    assertThat(strings("SELECT event_id FROM health_windows ORDER BY event_id"))
        .containsExactly("old-of-running", "young");
    assertThat(strings("SELECT event_id FROM processed_events")).containsExactly("young");
    assertThat(strings("SELECT id FROM outbox ORDER BY id"))
        .containsExactly("blocked-old", "pending-old", "published-young");
    assertThat(strings("SELECT original_offset::text FROM dead_letters ORDER BY 1"))
        .containsExactly("2", "3");
    assertThat(metrics.counter("aegis.retention.pruned", "table", "health_windows").count())
        .isEqualTo(2.0);
  }

  @Test
  @DisplayName(
      "a settled experiment is archived after its period; its transitions, RCA and audit rows stay; running, production, rollback-target, quarantined, unpublished and young ones stay")
  void settledExperimentsAreArchivedWithTheirHistoryKept() {
    app.useHandle(
        h -> {
          service(h, "checkout", "v3", "v2");
          experiment(h, "old-aborted", "checkout", "v1", "ABORTED", daysAgo(100));
          experiment(h, "old-released", "checkout", "v0", "RELEASED", daysAgo(100));
          experiment(h, "production", "checkout", "v3", "PROMOTED", daysAgo(100));
          experiment(h, "rollback-target", "checkout", "v2", "PROMOTED", daysAgo(100));
          experiment(h, "open-quarantine", "checkout", "v4", "QUARANTINED", daysAgo(100));
          experiment(h, "unpublished", "checkout", "v5", "ABORTED", daysAgo(100));
          experiment(h, "young", "checkout", "v6", "ABORTED", daysAgo(80));
          experiment(h, "queued", "checkout", "v7", "QUEUED", daysAgo(100));
          transition(h, "old-aborted", "ABORTED");
          transition(h, "old-released", "QUARANTINED");
          rca(h, "old-released", daysAgo(100));
          rca(h, "open-quarantine", null);
          outbox(h, "cmd-unpublished", "PENDING", null, "unpublished");
          new AuditRepository()
              .record(Tx.of(h), "alice", "experiment.abort", "old-aborted", Map.of(), daysAgo(100));
        });

    Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

    assertThat(swept.pruned()).containsEntry(Kind.SETTLED_EXPERIMENTS, 2L);
    assertThat(strings("SELECT id FROM experiments ORDER BY id"))
        .containsExactly(
            "open-quarantine", "production", "queued", "rollback-target", "unpublished", "young");
    assertThat(
            strings(
                "SELECT id || ':' || phase || ':' || candidate_version || ':' || "
                    + "(experiment->>'submitted_by') FROM experiments_archive ORDER BY id"))
        .containsExactly("old-aborted:ABORTED:v1:alice", "old-released:RELEASED:v0:alice");
    assertThat(strings("SELECT experiment_id || ':' || to_phase FROM transitions ORDER BY id"))
        .containsExactly("old-aborted:ABORTED", "old-released:QUARANTINED");
    assertThat(strings("SELECT experiment_id FROM rca_records ORDER BY 1"))
        .containsExactly("old-released", "open-quarantine");
    assertThat(strings("SELECT action FROM audit_log ORDER BY id"))
        .containsExactly("experiment.abort", RetentionSweeper.AUDIT_ACTION);
  }

  @Test
  @DisplayName(
      "notifications delivered or given up before the period go; pending, young and recently finished ones stay")
  void finishedNotificationsArePrunedPendingOnesNever() {
    app.useHandle(
        h -> {
          notification(h, "delivered-old", "DELIVERED", daysAgo(40), daysAgo(40), daysAgo(40));
          notification(h, "failed-old", "FAILED", daysAgo(40), daysAgo(39), null);
          notification(h, "pending-old", "PENDING", daysAgo(40), daysAgo(40), null);
          notification(h, "pending-overdue", "PENDING", daysAgo(60), daysAgo(59), null);
          notification(h, "delivered-young", "DELIVERED", daysAgo(20), daysAgo(20), daysAgo(20));
          notification(h, "delivered-late", "DELIVERED", daysAgo(40), daysAgo(29), daysAgo(29));
          notification(h, "failed-late", "FAILED", daysAgo(40), daysAgo(29), null);
        });

    Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

    assertThat(swept.pruned()).containsEntry(Kind.FINISHED_NOTIFICATIONS, 2L);
    assertThat(strings("SELECT id FROM notifications ORDER BY id"))
        .containsExactly(
            "delivered-late", "delivered-young", "failed-late", "pending-old", "pending-overdue");
    assertThat(metrics.counter("aegis.retention.pruned", "table", "notifications").count())
        .isEqualTo(2.0);
    assertThat(
            strings(
                "SELECT (detail->'pruned'->>'notifications') || ' ' || "
                    + "(detail->'periods'->>'notifications') FROM audit_log "
                    + "WHERE action = 'retention.sweep'"))
        .containsExactly("2 PT720H");
  }

  @Test
  @DisplayName("DLQ growth marks raised before the notifications period go; younger ones stay")
  void dlqAlertMarksArePruned() {
    app.useHandle(
        h -> {
          dlqMark(h, daysAgo(45));
          dlqMark(h, daysAgo(31));
          dlqMark(h, daysAgo(29));
        });

    Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

    assertThat(swept.pruned()).containsEntry(Kind.DLQ_ALERT_MARKS, 2L);
    assertThat(strings("SELECT raised_at::text FROM notification_dlq_marks"))
        .containsExactly(strings("SELECT (timestamptz '" + daysAgo(29) + "')::text").get(0));
    assertThat(metrics.counter("aegis.retention.pruned", "table", "notification_dlq_marks").count())
        .isEqualTo(2.0);
  }

  @Test
  @DisplayName("every sweep writes one audit row with its counts")
  void eachSweepIsAudited() {
    app.useHandle(h -> inbox(h, "old", daysAgo(8)));
    RetentionSweeper sweeper = sweeper(properties(1000, 100));

    sweeper.sweep();
    sweeper.sweep();

    assertThat(
            strings(
                "SELECT actor || ' ' || (detail->'pruned'->>'processed_events') "
                    + "FROM audit_log WHERE action = 'retention.sweep' ORDER BY id"))
        .containsExactly("aegis:retention 1", "aegis:retention 0");
  }

  @Test
  @DisplayName("a sweep deletes in bounded batches and leaves the rest to the next sweep")
  void deletesInBoundedBatches() {
    app.useHandle(
        h -> {
          for (int i = 0; i < 5; i++) {
            inbox(h, "old-" + i, daysAgo(8));
          }
        });
    RetentionSweeper sweeper = sweeper(properties(2, 2));

    Swept first = (Swept) sweeper.sweep();
    Swept second = (Swept) sweeper.sweep();

    assertThat(first.pruned().get(Kind.INBOX)).isEqualTo(4);
    assertThat(second.pruned().get(Kind.INBOX)).isEqualTo(1);
    assertThat(strings("SELECT event_id FROM processed_events")).isEmpty();
  }

  @Test
  @DisplayName("rows another transaction holds are skipped, not waited for")
  void lockedRowsAreSkipped() {
    app.useHandle(
        h -> {
          inbox(h, "held", daysAgo(8));
          inbox(h, "free", daysAgo(8));
        });
    try (Handle holder = app.open()) {
      holder.begin();
      holder.execute("SELECT 1 FROM processed_events WHERE event_id = 'held' FOR UPDATE");

      Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

      assertThat(swept.pruned().get(Kind.INBOX)).isEqualTo(1);
      holder.rollback();
    }
    assertThat(strings("SELECT event_id FROM processed_events")).containsExactly("held");
  }

  @Test
  @DisplayName("while another replica sweeps, a sweep does nothing")
  void oneReplicaSweepsAtATime() {
    app.useHandle(h -> inbox(h, "old", daysAgo(8)));
    try (Handle otherReplica = app.open()) {
      otherReplica
          .createQuery("SELECT pg_advisory_lock(:key)")
          .bind("key", RetentionSweeper.LOCK_KEY)
          .mapTo(String.class)
          .one();

      assertThat(sweeper(properties(1000, 100)).sweep()).isInstanceOf(Skipped.class);
      assertThat(strings("SELECT event_id FROM processed_events")).containsExactly("old");
      assertThat(strings("SELECT action FROM audit_log")).isEmpty();

      otherReplica
          .createQuery("SELECT pg_advisory_unlock(:key)")
          .bind("key", RetentionSweeper.LOCK_KEY)
          .mapTo(Boolean.class)
          .one();
    }
    assertThat(sweeper(properties(1000, 100)).sweep()).isInstanceOf(Swept.class);
    assertThat(strings("SELECT event_id FROM processed_events")).isEmpty();
  }

  @Test
  @DisplayName("a burn-rate track silent for the window period is retired; one that reports stays")
  void idleBurnRateTracksAreRetired() {
    burnRates.observe(healthWindow("silent", daysAgo(15)));
    burnRates.observe(healthWindow("reporting", NOW.minus(Duration.ofMinutes(5))));

    Swept swept = (Swept) sweeper(properties(1000, 100)).sweep();

    assertThat(swept.retiredTracks()).isEqualTo(1);
    assertThat(burnRates.size()).isEqualTo(1);
    assertThat(burnRates.snapshot("silent", HealthWindow.Track.STABLE)).isEmpty();
    assertThat(burnRates.snapshot("reporting", HealthWindow.Track.STABLE)).isPresent();
  }

  private RetentionSweeper sweeper(RetentionProperties properties) {
    return new RetentionSweeper(
        new Transactions(app),
        new RetentionRepository(),
        properties,
        new AuditRepository(),
        Optional.of(burnRates),
        metrics,
        CLOCK);
  }

  private static RetentionProperties properties(int batchSize, int maxBatches) {
    return new RetentionProperties(
        true,
        Duration.ofHours(1),
        batchSize,
        maxBatches,
        Duration.ofDays(14),
        Duration.ofDays(7),
        Duration.ofDays(7),
        Duration.ofDays(30),
        Duration.ofDays(90),
        Duration.ofDays(30));
  }

  private List<String> strings(String sql) {
    return app.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  private static Instant daysAgo(int days) {
    return NOW.minus(Duration.ofDays(days));
  }

  private static HealthWindow healthWindow(String service, Instant end) {
    return new HealthWindow(
        service,
        "v1",
        HealthWindow.Track.STABLE,
        end.minusSeconds(60),
        end,
        1000,
        0,
        10,
        20,
        30,
        null,
        null);
  }

  private static void service(Handle h, String name, String production, String previous) {
    h.createUpdate(
            "INSERT INTO services (name, namespace, production_version, "
                + "previous_production_version, managed_since, updated_at) "
                + "VALUES (:name, 'shop', :production, :previous, :at, :at)")
        .bind("name", name)
        .bind("production", production)
        .bind("previous", previous)
        .bind("at", daysAgo(365))
        .execute();
  }

  private static void experiment(
      Handle h, String id, String service, String version, String phase, Instant updatedAt) {
    h.createUpdate(
            "INSERT INTO experiments (id, service, namespace, candidate_version, "
                + "candidate_image, policy, phase, step_index, progress, version, submitted_at, "
                + "submitted_by, origin, updated_at, settled_at) VALUES (:id, :service, 'shop', "
                + ":version, :image, '{}', :phase, 0, '{}', 1, :updatedAt, 'alice', 'rest', "
                + ":updatedAt, :settledAt)")
        .bind("id", id)
        .bind("service", service)
        .bind("version", version)
        .bind("image", "registry/" + service + ":" + version)
        .bind("phase", phase)
        .bind("updatedAt", updatedAt)
        // As Aegis writes a row: settled_at is the time of a settled experiment's last write.
        .bind("settledAt", Phase.valueOf(phase).isSettled() ? updatedAt : null)
        .execute();
  }

  private static void transition(Handle h, String experimentId, String to) {
    h.createUpdate(
            "INSERT INTO transitions (experiment_id, to_phase, trigger, step, weight, "
                + "reason, actor, at) VALUES (:id, :to, 'MANUAL', 0, 0, 'done', 'alice', :at)")
        .bind("id", experimentId)
        .bind("to", to)
        .bind("at", daysAgo(100))
        .execute();
  }

  private static void rca(Handle h, String experimentId, Instant releasedAt) {
    h.createUpdate(
            "INSERT INTO rca_records (id, experiment_id, service, candidate_version, "
                + "candidate_image, record, recorded_at, released_at) VALUES (:id, :id, 'checkout', "
                + "'v', 'registry/checkout:v', '{}', :at, :releasedAt)")
        .bind("id", experimentId)
        .bind("at", daysAgo(120))
        .bind("releasedAt", releasedAt)
        .execute();
  }

  private static void window(Handle h, String eventId, String experimentId, Instant end) {
    h.createUpdate(
            "INSERT INTO health_windows (namespace, service, version, track, window_start, "
                + "window_end, requests, errors, p50_ms, p95_ms, p99_ms, experiment_id, event_source, "
                + "event_id, received_at) VALUES ('shop', 'checkout', 'v1', 'stable', :start, :end, 100, 0, 1, "
                + "2, 3, :experimentId, 'test', :eventId, :end)")
        .bind("start", end.minusSeconds(60))
        .bind("end", end)
        .bind("experimentId", experimentId)
        .bind("eventId", eventId)
        .execute();
  }

  /** A notification row as the relay leaves it: FAILED rows keep their last attempt's time. */
  private static void notification(
      Handle h,
      String id,
      String status,
      Instant createdAt,
      Instant lastAttemptAt,
      Instant deliveredAt) {
    h.createUpdate(
            "INSERT INTO notifications (id, channel, kind, severity, title, payload, status, "
                + "attempts, next_attempt_at, created_at, delivered_at) VALUES (:id, 'ops', "
                + "'quarantined', 'critical', 't', '{}', :status, 1, :lastAttemptAt, :createdAt, "
                + ":deliveredAt)")
        .bind("id", id)
        .bind("status", status)
        .bind("createdAt", createdAt)
        .bind("lastAttemptAt", lastAttemptAt)
        .bind("deliveredAt", deliveredAt)
        .execute();
  }

  private static void dlqMark(Handle h, Instant raisedAt) {
    h.createUpdate(
            "INSERT INTO notification_dlq_marks (window_start, dead_letters, raised_at) "
                + "VALUES (:at, 10, :at)")
        .bind("at", raisedAt)
        .execute();
  }

  private static void inbox(Handle h, String eventId, Instant at) {
    h.createUpdate(
            "INSERT INTO processed_events (source, event_id, topic, partition, "
                + "kafka_offset, outcome, processed_at) VALUES ('test', :id, 'aegis.health', 0, 0, "
                + "'applied', :at)")
        .bind("id", eventId)
        .bind("at", at)
        .execute();
  }

  private static void outbox(
      Handle h, String id, String status, Instant doneAt, String experimentId) {
    h.createUpdate(
            "INSERT INTO outbox (id, kind, type, experiment_id, payload, status, "
                + "next_attempt_at, created_at, done_at) VALUES (:id, 'event', 'test', :experimentId, "
                + "'{}', :status, :created, :created, :doneAt)")
        .bind("id", id)
        .bind("status", status)
        .bind("created", daysAgo(30))
        .bind("doneAt", doneAt)
        .bind("experimentId", experimentId)
        .execute();
  }

  private static void deadLetter(Handle h, long offset, Instant recordedAt, Instant replayedAt) {
    h.createUpdate(
            "INSERT INTO dead_letters (original_topic, original_partition, "
                + "original_offset, headers, reason_code, reason, first_failed_at, recorded_at, "
                + "last_replayed_at) VALUES ('aegis.health', 0, :offset, '[]', 'undecodable', 'x', "
                + ":at, :at, :replayedAt)")
        .bind("offset", offset)
        .bind("at", recordedAt)
        .bind("replayedAt", replayedAt)
        .execute();
  }
}
