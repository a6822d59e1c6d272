package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V11 stores the experiment row's state documents (progress, last judgment, actuation) as {@code
 * json} instead of {@code jsonb}. A row written under V10 keeps its state through the migration,
 * rows written after it read back exactly, and the archive still nests the documents as objects.
 */
class StateDocumentsMigrationIT {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final LifecycleCore CORE =
      new LifecycleCore(LifecycleStateMachine.transitionTable());
  private static final Policy POLICY =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofHours(1)), new CanaryStep(100, Duration.ofHours(1))),
          new Slo(0.05, 500),
          100,
          Duration.ofHours(2));

  private TestDatabase database;
  private Jdbi jdbi;

  @BeforeEach
  void databaseAtV10() {
    database = SharedInfrastructure.postgres().createDatabase();
    database.migrateTo("10");
    jdbi = database.jdbi();
  }

  @AfterEach
  void drop() {
    database.close();
  }

  @Test
  @DisplayName(
      "a canary written under V10 reads back the same after V11, goes on being written, and is"
          + " archived with its documents as objects")
  void stateSurvivesTheTypeChange() {
    assertThat(columnTypes()).containsOnly("jsonb");
    // Written under V10 by an insert (the row's documents cast to jsonb), mid-canary.
    Experiment written = observed(started(), 0, 6);
    jdbi.useTransaction(
        h -> {
          ExperimentRepository repository = new ExperimentRepository();
          repository.manage(Tx.of(h), "checkout", "shop", T0);
          repository.insert(Tx.of(h), written, "test", "rest", null, null, T0);
        });
    assertThat(written.lastJudgment()).as("the row holds a judgment").isNotNull();
    assertThat(written.actuation()).as("and an actuation state").isNotNull();

    database.migrate();

    assertThat(columnTypes()).containsOnly("json");
    assertThat(load(written.id())).as("read after the migration, cold").isEqualTo(written);
    Experiment later = observed(written, 6, 5);
    jdbi.useTransaction(
        h -> {
          ExperimentRepository repository = new ExperimentRepository();
          repository.findForUpdate(Tx.of(h), written.id()).orElseThrow();
          repository.update(Tx.of(h), written.revision(), later, T0.plusSeconds(600));
        });
    assertThat(load(later.id())).as("written and read after the migration").isEqualTo(later);
    Integer windows =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT (aegis_progress(progress) ->> 'windows')::int FROM experiments "
                            + "WHERE id = :id")
                    .bind("id", later.id())
                    .mapTo(Integer.class)
                    .one());
    assertThat(windows)
        .as("the progress, compact since V12, is still readable by name in SQL")
        .isEqualTo((int) later.progress().windows());
    String coveredUntil =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT aegis_progress(progress) ->> 'coveredUntil' FROM experiments "
                            + "WHERE id = :id")
                    .bind("id", later.id())
                    .mapTo(String.class)
                    .one());
    assertThat(Instant.parse(coveredUntil))
        .isEqualTo(later.progress().coveredUntil().truncatedTo(ChronoUnit.MICROS));

    String named =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT aegis_progress(:named::json) ->> 'windows'")
                    .bind("named", StateJson.write(written.progress().withoutSamples()))
                    .mapTo(String.class)
                    .one());
    assertThat(named)
        .as("a row still in the named form reads as it is")
        .isEqualTo(String.valueOf(written.progress().windows()));

    jdbi.useHandle(h -> h.execute("DELETE FROM experiments WHERE id = ?", later.id()));
    String archived =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT jsonb_typeof(experiment -> 'progress') || ' ' || "
                            + "(aegis_progress((experiment -> 'progress')::json) ->> 'windows') || ' ' || "
                            + "(aegis_judgment((experiment -> 'last_judgment')::json) ->> 'verdict') || ' ' || "
                            + "jsonb_typeof(experiment -> 'actuation') FROM experiments_archive "
                            + "WHERE id = :id")
                    .bind("id", later.id())
                    .mapTo(String.class)
                    .one());
    // A running canary's draft is archived as stored: by reference since V13 (ADR-014), its verdict
    // readable through aegis_judgment.
    assertThat(archived)
        .isEqualTo(
            "array "
                + later.progress().windows()
                + " "
                + later.lastJudgment().verdict()
                + " object");
  }

  private List<String> columnTypes() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT data_type FROM information_schema.columns WHERE table_name = 'experiments' "
                        + "AND column_name IN ('progress', 'last_judgment', 'actuation')")
                .mapTo(String.class)
                .list());
  }

  private Experiment started() {
    Experiment submitted =
        Experiment.submitted(
            "exp-migrated",
            "checkout",
            "shop",
            new Candidate("v2", "registry.local/checkout:v2"),
            POLICY,
            "v1",
            T0);
    Decision d = CORE.decide(submitted, new LifecycleInput.Submit(null), T0);
    assertThat(d.after().phase()).isEqualTo(Phase.CANARY);
    return d.after();
  }

  /** {@code e} after {@code count} baseline and canary windows from the {@code from}-th on. */
  private Experiment observed(Experiment e, int from, int count) {
    Experiment after = e;
    for (int i = from; i < from + count; i++) {
      Instant start = T0.plusSeconds(60 + 10L * i);
      for (HealthWindow.Track track :
          List.of(HealthWindow.Track.BASELINE, HealthWindow.Track.CANARY)) {
        HealthWindow w =
            new HealthWindow(
                "checkout",
                track == HealthWindow.Track.CANARY ? "v2" : "v1",
                track,
                start,
                start.plusSeconds(10),
                1000 + 17L * i,
                i % 3,
                80,
                180.25 + i,
                300,
                0.4,
                0.5,
                "shop");
        Decision d = CORE.decide(after, new LifecycleInput.Observe(w), start.plusSeconds(10));
        assertThat(d.isRefused()).as("window %d %s", i, track).isFalse();
        after = d.after();
      }
    }
    return after;
  }

  private Experiment load(String id) {
    return jdbi.withHandle(
        h -> new ExperimentRepository().find(Tx.of(h), id).orElseThrow().experiment());
  }
}
