package dev.aegis.orchestrator.observability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.Analysis.OnInconclusive;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.persistence.StateJson;
import dev.aegis.orchestrator.persistence.StuckExperimentRepository;
import dev.aegis.orchestrator.persistence.StuckExperimentRepository.Reason;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import dev.aegis.orchestrator.testsupport.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The stuck-experiment gauge on a real database, connected as the application role, at fixed times:
 * a step past its planned time plus the grace counts, by reason; a fresh or merely long one does
 * not; settled experiments never do.
 */
class StuckExperimentsGaugeIT extends FreshDatabaseTest {

  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

  /** 10, 20 and 30 minute steps; the default analysis extends a step by its own duration. */
  private static final Policy MINUTES =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofMinutes(10)),
              new CanaryStep(50, Duration.ofMinutes(20)),
              new CanaryStep(100, Duration.ofMinutes(30))),
          new Slo(0.02, 3000),
          100,
          Duration.ofMinutes(15));

  /** The same steps with no extension. */
  private static final Policy NO_EXTENSION =
      MINUTES.withAnalysis(
          new Analysis(0.98, 0.10, 0.10, 95, 75, 5, 3, Duration.ZERO, OnInconclusive.PAUSE, 0));

  private static final MetricsProperties.StuckExperiments SETTINGS =
      new MetricsProperties.StuckExperiments(
          Duration.ofHours(1), Duration.ofMinutes(15), Duration.ofMinutes(1));

  @Test
  @DisplayName(
      "steps past their planned time plus the grace count by reason; fresh, in-grace, settled and young rollbacks do not")
  void countsStuckExperimentsByReason() {
    app.useHandle(
        h -> {
          // Step 1 (index 0) is planned at 10 + 10 minutes: stuck once entered over 80 minutes ago.
          canary(h, "fresh", MINUTES, "CANARY", 0, minutesAgo(10), false);
          canary(h, "within-grace", MINUTES, "CANARY", 0, minutesAgo(75), false);
          canary(h, "judging", MINUTES, "CANARY", 0, minutesAgo(90), false);
          canary(h, "no-extension", NO_EXTENSION, "CANARY", 0, minutesAgo(75), false);
          // Step 2 (index 1) is planned at 20 + 20 minutes: stuck once entered over 100 minutes
          // ago.
          canary(h, "second-step", MINUTES, "CANARY", 1, minutesAgo(90), false);
          canary(h, "silent", MINUTES, "CANARY", 1, minutesAgo(120), true);
          canary(h, "actuating", MINUTES, "CANARY", 0, minutesAgo(90), false);
          pendingActuation(h, "actuating");
          canary(h, "paused", MINUTES, "PAUSED", 0, minutesAgo(180), false);
          canary(h, "promoted", MINUTES, "PROMOTED", 2, minutesAgo(600), false);
          canary(h, "rolling-back", MINUTES, "ROLLING_BACK", 0, minutesAgo(30), false);
          transition(h, "rolling-back", "CANARY", minutesAgo(40));
          transition(h, "rolling-back", "ROLLING_BACK", minutesAgo(20));
          canary(h, "rolling-back-young", MINUTES, "ROLLING_BACK", 0, minutesAgo(300), false);
          transition(h, "rolling-back-young", "CANARY", minutesAgo(300));
          transition(h, "rolling-back-young", "ROLLING_BACK", minutesAgo(5));
        });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    Map<Reason, Long> stuck = gauge(registry, NOW).refresh();

    assertThat(stuck)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                Reason.JUDGMENT, 2L,
                Reason.SILENT, 1L,
                Reason.ACTUATION, 1L,
                Reason.PAUSED, 1L,
                Reason.ROLLING_BACK, 1L));
    assertThat(value(registry, "judgment")).isEqualTo(2.0);
    assertThat(value(registry, "rolling-back")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "a fresh experiment is not stuck; the same one is once its step overran by the grace")
  void aFreshExperimentBecomesStuckWhenItsStepOverruns() {
    app.useHandle(h -> canary(h, "fresh", MINUTES, "CANARY", 0, minutesAgo(5), false));
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    MovableClock now = new MovableClock(NOW);
    StuckExperimentsGauge gauge = gauge(registry, now);

    gauge.refresh();
    assertThat(value(registry, "judgment")).isZero();

    now.set(NOW.plus(Duration.ofMinutes(76)));
    gauge.refresh();
    assertThat(value(registry, "judgment")).isEqualTo(1.0);
  }

  @Test
  @DisplayName(
      "the count reads only live rows; its plan and time are printed for 2,000 live of 20,000")
  void theCountReadsLiveRowsOnly() {
    String policy = StateJson.write(MINUTES);
    app.useHandle(
        h -> {
          h.createUpdate(
                  "INSERT INTO services (name, namespace, managed_since, updated_at) "
                      + "SELECT 'svc-' || i, 'shop', :at, :at FROM generate_series(1, 20000) i")
              .bind("at", minutesAgo(600))
              .execute();
          h.createUpdate(
                  "INSERT INTO experiments (id, service, namespace, candidate_version, "
                      + "candidate_image, policy, phase, step_index, progress, version, "
                      + "submitted_at, submitted_by, origin, step_entered_at, updated_at) "
                      + "SELECT 'exp-' || i, 'svc-' || i, 'shop', 'v2', 'registry/x:v2', "
                      + ":policy::jsonb, CASE WHEN i % 10 = 0 THEN 'CANARY' ELSE 'PROMOTED' END, "
                      + "0, '{}', 1, :at, 'alice', 'rest', :at, :at "
                      + "FROM generate_series(1, 20000) i")
              .bind("policy", policy)
              .bind("at", minutesAgo(600))
              .execute();
          h.execute("ANALYZE experiments");
        });
    SimpleMeterRegistry registry = new SimpleMeterRegistry();

    long started = System.nanoTime();
    gauge(registry, NOW).refresh();
    System.out.printf(
        "StuckExperimentsGaugeIT: 2,000 live of 20,000 experiments counted in %d ms%n",
        Duration.ofNanos(System.nanoTime() - started).toMillis());
    app.useHandle(
        h ->
            h.createQuery(
                    "EXPLAIN SELECT count(*) FROM experiments e "
                        + "WHERE e.phase IN ('CANARY', 'PAUSED', 'ROLLING_BACK')")
                .mapTo(String.class)
                .forEach(line -> System.out.println("  " + line)));

    // The registry alone must keep the count alive: nothing else refers to the gauge here.
    System.gc();
    assertThat(value(registry, "judgment")).isEqualTo(2000.0);
  }

  private StuckExperimentsGauge gauge(SimpleMeterRegistry registry, Instant now) {
    return gauge(registry, Clock.fixed(now, ZoneOffset.UTC));
  }

  private StuckExperimentsGauge gauge(SimpleMeterRegistry registry, Clock clock) {
    return new StuckExperimentsGauge(
        new Transactions(app), new StuckExperimentRepository(), SETTINGS, registry, clock);
  }

  /** A clock the test moves. */
  private static double value(SimpleMeterRegistry registry, String reason) {
    return registry.get("aegis.experiments.stuck").tag("reason", reason).gauge().value();
  }

  private static Instant minutesAgo(int minutes) {
    return NOW.minus(Duration.ofMinutes(minutes));
  }

  private static void canary(
      Handle h,
      String id,
      Policy policy,
      String phase,
      int stepIndex,
      Instant stepEnteredAt,
      boolean silent) {
    h.createUpdate(
            "INSERT INTO services (name, namespace, managed_since, updated_at) "
                + "VALUES (:id, 'shop', :at, :at)")
        .bind("id", id)
        .bind("at", minutesAgo(1000))
        .execute();
    h.createUpdate(
            "INSERT INTO experiments (id, service, namespace, candidate_version, "
                + "candidate_image, policy, phase, step_index, progress, version, submitted_at, "
                + "submitted_by, origin, step_entered_at, silent, updated_at) VALUES (:id, :id, "
                + "'shop', 'v2', 'registry/x:v2', :policy::jsonb, :phase, :step, '{}', 1, "
                + ":submitted, 'alice', 'rest', :entered, :silent, :entered)")
        .bind("id", id)
        .bind("policy", StateJson.write(policy))
        .bind("phase", phase)
        .bind("step", stepIndex)
        .bind("submitted", minutesAgo(1000))
        .bind("entered", stepEnteredAt)
        .bind("silent", silent)
        .execute();
  }

  private static void pendingActuation(Handle h, String experimentId) {
    h.createUpdate(
            "INSERT INTO outbox (id, kind, type, experiment_id, payload, status, "
                + "next_attempt_at, created_at) VALUES (:id, 'actuation', 'shift-traffic', "
                + ":experimentId, '{}', 'PENDING', :at, :at)")
        .bind("id", experimentId + ":1:0")
        .bind("experimentId", experimentId)
        .bind("at", minutesAgo(90))
        .execute();
  }

  private static void transition(Handle h, String experimentId, String to, Instant at) {
    h.createUpdate(
            "INSERT INTO transitions (experiment_id, to_phase, trigger, step, weight, "
                + "reason, actor, at) VALUES (:id, :to, 'MANUAL', 0, 10, 'test', 'aegis', :at)")
        .bind("id", experimentId)
        .bind("to", to)
        .bind("at", at)
        .execute();
  }
}
