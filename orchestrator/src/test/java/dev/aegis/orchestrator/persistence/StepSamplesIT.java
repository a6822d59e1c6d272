package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The step sample journal on the real database: whatever replica wrote an experiment last, and
 * whatever its cache holds, a load gives back exactly the samples the core decided with, and a
 * window costs one appended row.
 */
class StepSamplesIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2026-12-04T10:00:00Z");
  private static final LifecycleCore CORE =
      new LifecycleCore(LifecycleStateMachine.transitionTable());
  private static final Policy LONG_STEPS =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofHours(24)),
              new CanaryStep(50, Duration.ofHours(24)),
              new CanaryStep(100, Duration.ofHours(24))),
          new Slo(0.5, 30_000),
          100,
          Duration.ofDays(1));

  private final Random random = new Random(3);
  private long nextWindow;

  @Test
  @DisplayName(
      "through 300 windows (merges included) a warm and a cold replica load exactly the core's"
          + " samples, and a window without a merge appends one row")
  void loadsGiveBackTheCoresSamples() {
    ExperimentRepository warm = new ExperimentRepository();
    Experiment e = started(warm);
    int appendedOnly = 0;
    for (int batch = 0; batch < 100; batch++) {
      long rowsBefore = rows();
      Experiment before = load(warm, e.id());
      Experiment after = observe(before, 1 + random.nextInt(5));
      write(warm, before, after);
      int added = after.progress().samples().size() - before.progress().samples().size();
      if (added > 0 && rows() - rowsBefore == added) {
        appendedOnly++;
      }
      assertThat(load(warm, e.id())).as("warm, batch %d", batch).isEqualTo(after);
      assertThat(batchRead(warm, after)).as("warm row cache, batch %d", batch).isEqualTo(after);
      assertThat(load(new ExperimentRepository(), e.id()))
          .as("cold, batch %d", batch)
          .isEqualTo(after);
      e = after;
    }
    assertThat(e.progress().samples().canary().size())
        .as("the canary list was merged at the cap")
        .isLessThanOrEqualTo(StepEvidence.MAX_SAMPLES);
    assertThat(appendedOnly).as("batches that only appended their windows").isGreaterThan(60);
  }

  @Test
  @DisplayName(
      "two replicas writing in turn, and a rolled-back write, never leave a replica judging stale"
          + " samples")
  void replicasAndRollbacks() {
    ExperimentRepository a = new ExperimentRepository();
    ExperimentRepository b = new ExperimentRepository();
    Experiment e = started(a);
    for (int round = 0; round < 20; round++) {
      ExperimentRepository writer = round % 3 == 0 ? b : a;
      Experiment before = load(writer, e.id());
      Experiment after = observe(before, 2);
      write(writer, before, after);
      e = after;
      assertThat(load(a, e.id())).as("replica a, round %d", round).isEqualTo(e);
      assertThat(load(b, e.id())).as("replica b, round %d", round).isEqualTo(e);
      assertThat(batchRead(a, e)).as("replica a's rows, round %d", round).isEqualTo(e);
      assertThat(batchRead(b, e)).as("replica b's rows, round %d", round).isEqualTo(e);

      // A write that rolls back: its state must not be what the next load sees.
      Experiment current = e;
      assertThatThrownBy(
              () ->
                  app.useTransaction(
                      h -> {
                        Experiment locked =
                            a.findForUpdate(Tx.of(h), current.id()).orElseThrow().experiment();
                        a.update(Tx.of(h), locked.revision(), observe(locked, 3), T0);
                        throw new IllegalStateException("rolled back");
                      }))
          .hasMessage("rolled back");
      assertThat(load(a, e.id())).as("after a rollback, round %d", round).isEqualTo(e);
      assertThat(batchRead(a, e)).as("rows after a rollback, round %d", round).isEqualTo(e);
    }
  }

  @Test
  @DisplayName(
      "a batch decodes a locked row only when its write token is not the one cached: a change"
          + " under a new token is read, the same token is not decoded again")
  void rowsAreDecodedOnlyUnderANewToken() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    Experiment after = observe(e, 6);
    write(repository, e, after);
    assertThat(after.lastJudgment()).isNotNull();
    assertThat(batchRead(repository, after)).isEqualTo(after);

    // Changed in place under the same token (no writer of Aegis does this): the cache answers.
    app.useHandle(
        h ->
            h.createUpdate("UPDATE experiments SET last_judgment = NULL WHERE id = :id")
                .bind("id", e.id())
                .execute());
    assertThat(batchRead(repository, after).lastJudgment()).isEqualTo(after.lastJudgment());
    assertThat(batchRead(new ExperimentRepository(), after).lastJudgment()).isNull();

    // Under a new token, as every write of a row sets one: decoded from the table again.
    app.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE experiments SET samples_token = samples_token + 1 WHERE id = :id")
                .bind("id", e.id())
                .execute());
    assertThat(batchRead(repository, after).lastJudgment()).isNull();
  }

  @Test
  @DisplayName(
      "a live experiment's write touches no index (heap-only), and only a settled one sets"
          + " settled_at, which the retention sweep reads")
  void liveWritesAreHeapOnly() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    int hot = 0;
    for (int batch = 0; batch < 20; batch++) {
      Experiment before = e;
      Experiment after = observe(before, 2);
      int b = batch;
      hot +=
          app.inTransaction(
              h -> {
                repository.findForUpdate(Tx.of(h), before.id()).orElseThrow();
                // Each write at a new time, as batches are: updated_at changes every time.
                repository.update(Tx.of(h), before.revision(), after, T0.plusSeconds(b));
                return h.createQuery(
                        "SELECT pg_stat_get_xact_tuples_hot_updated('experiments'::regclass)")
                    .mapTo(Long.class)
                    .one()
                    .intValue();
              });
      e = after;
    }
    // A page holds few rows; a write that finds no room on its page is not heap-only.
    assertThat(hot).as("heap-only writes of 20").isGreaterThanOrEqualTo(15);
    assertThat(settledAt(e.id())).isNull();

    // Aborted: rolling back (still live), then settled once the rollback is reported applied.
    Decision abort =
        CORE.decide(
            e,
            new LifecycleInput.Manual(LifecycleInput.ManualAction.ABORT, "alice", "test"),
            T0.plusSeconds(5000));
    write(repository, e, abort.after());
    assertThat(abort.after().phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(settledAt(e.id())).isNull();
    Command rollback = abort.commands().get(0);
    Experiment aborted =
        CORE.decide(
                abort.after(),
                new LifecycleInput.ActuationReport(
                    rollback.id(),
                    rollback.kind().wire(),
                    LifecycleInput.ActuationOutcome.APPLIED,
                    "rolled back"),
                T0.plusSeconds(5010))
            .after();
    assertThat(aborted.phase()).isEqualTo(Phase.ABORTED);
    Instant at = T0.plusSeconds(6000);
    app.useTransaction(
        h -> {
          repository.findForUpdate(Tx.of(h), aborted.id()).orElseThrow();
          repository.update(Tx.of(h), abort.after().revision(), aborted, at);
        });
    assertThat(settledAt(e.id())).isEqualTo(at);
  }

  private Instant settledAt(String id) {
    return app.withHandle(
        h ->
            h.createQuery("SELECT settled_at FROM experiments WHERE id = :id")
                .bind("id", id)
                .mapTo(Instant.class)
                .one());
  }

  @Test
  @DisplayName(
      "a row written before the journal (samples inside its progress) loads them, and its next"
          + " write moves them to the journal")
  void legacyRowsMoveToTheJournal() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    Experiment withSamples = observe(e, 8);
    write(repository, e, withSamples);
    app.useHandle(
        h ->
            h.createUpdate(
                    "UPDATE experiments SET progress = :progress::jsonb, samples_token = 0, "
                        + "samples_from = 0, samples_to = 0 WHERE id = :id")
                .bind("progress", StateJson.write(withSamples.progress()))
                .bind("id", e.id())
                .execute());
    app.useHandle(h -> h.execute("DELETE FROM step_samples"));

    Experiment legacy = load(new ExperimentRepository(), e.id());
    assertThat(legacy).isEqualTo(withSamples);

    Experiment next = observe(legacy, 2);
    write(new ExperimentRepository(), legacy, next);
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(next);
    assertThat(rows()).isEqualTo(next.progress().samples().asEntries().size());
    String stored =
        app.withHandle(
            h ->
                h.createQuery("SELECT progress::text FROM experiments_current WHERE id = :id")
                    .bind("id", e.id())
                    .mapTo(String.class)
                    .one());
    assertThat(stored).as("the row keeps fixed-size state").doesNotContain("\"evidence\"");
    assertThat(stored).as("written in the compact form").startsWith("[2,");
  }

  @Test
  @DisplayName(
      "the retention sweep prunes superseded samples only: the current step still loads whole")
  void supersededSamplesArePruned() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    for (int batch = 0; batch < 60; batch++) {
      Experiment before = load(repository, e.id());
      e = observe(before, 4);
      write(repository, before, e);
    }
    long current =
        app.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM step_samples s JOIN experiments e ON e.id = s.experiment_id "
                            + "WHERE s.seq >= e.samples_from"
                            + " AND (s.track IS NOT NULL OR s.faults IS NOT NULL OR s.seed)")
                    .mapTo(Long.class)
                    .one());
    assertThat(rows()).as("superseded rows exist after merges").isGreaterThan(current);

    RetentionRepository retention = new RetentionRepository();
    int pruned =
        app.inTransaction(
            h ->
                retention.deleteBatch(
                    Tx.of(h),
                    RetentionRepository.Prunable.SUPERSEDED_SAMPLES,
                    T0.plusSeconds(1),
                    100_000));

    assertThat(pruned).isPositive();
    assertThat(rows()).isEqualTo(current);
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(e);
  }

  @Test
  @DisplayName(
      "a busy canary's unchanged verdict is stored at most every judgment interval; a verdict"
          + " change is stored at once, and a replica without the row cached stores its newest")
  void unchangedVerdictIsStoredAtMostEveryInterval() {
    Duration interval = Duration.ofSeconds(5);
    ExperimentRepository repository =
        new ExperimentRepository(new StepSampleRepository(), 100, interval);
    Experiment e = started(repository);

    // Each batch's draft judged samples that are not a prefix of the row's journal (a stable
    // window before the last canary window, a baseline window after it), so it is stored with its
    // text (other drafts are stored by reference, draftsAreStoredByReference).
    Experiment first = observe(e, NOT_A_PREFIX);
    write(repository, e, first, T0.plusSeconds(1));
    assertThat(storedJudgment(e.id()))
        .as("nothing stored yet: stored")
        .isEqualTo(first.lastJudgment());

    Experiment second = observe(first, NOT_A_PREFIX);
    assertThat(second.lastJudgment().verdict()).isEqualTo(first.lastJudgment().verdict());
    assertThat(second.lastJudgment()).isNotEqualTo(first.lastJudgment());
    write(repository, first, second, T0.plusSeconds(2));
    assertThat(storedJudgment(e.id()))
        .as("same verdict within the interval: the stored one trails")
        .isEqualTo(first.lastJudgment());
    assertThat(batchRead(repository, second))
        .as(
            "the writing replica holds what the row holds: the newest progress, the stored judgment")
        .isEqualTo(second.withLastJudgment(first.lastJudgment()));
    Experiment cold = load(new ExperimentRepository(), e.id());
    assertThat(cold.progress()).as("the progress is always stored").isEqualTo(second.progress());
    assertThat(cold.lastJudgment()).isEqualTo(first.lastJudgment());

    Experiment third = observe(second, NOT_A_PREFIX);
    write(repository, second, third, T0.plusSeconds(6));
    assertThat(storedJudgment(e.id()))
        .as("the interval passed since the stored one: stored")
        .isEqualTo(third.lastJudgment());

    Experiment held =
        CORE.decide(third, new LifecycleInput.CheckSilence(), T0.plus(Duration.ofDays(2))).after();
    assertThat(held.lastJudgment().verdict()).isNotEqualTo(third.lastJudgment().verdict());
    write(repository, third, held, T0.plusSeconds(7));
    assertThat(storedJudgment(e.id()))
        .as("a new verdict: stored at once")
        .isEqualTo(held.lastJudgment());

    ExperimentRepository other =
        new ExperimentRepository(new StepSampleRepository(), 100, interval);
    Experiment before = load(other, e.id());
    Experiment taken = observe(before, NOT_A_PREFIX);
    write(other, before, taken, T0.plusSeconds(8));
    assertThat(storedJudgment(e.id()))
        .as("a replica that has not cached the row stores its newest")
        .isEqualTo(taken.lastJudgment());
  }

  @Test
  @DisplayName(
      "a canary's draft of the row's own progress is stored by reference and read back, warm and"
          + " cold, as the judge's judgment of it; a draft of samples that are not a prefix of the"
          + " row's journal is stored with its text")
  void draftsAreStoredByReference() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);

    Experiment canaryLast = observe(e, 5, HealthWindow.Track.CANARY);
    assertThat(canaryLast.judgmentAsDecided().draft()).as("the core's draft").isNotNull();
    write(repository, e, canaryLast);
    String reference = storedJudgmentText(e.id());
    assertThat(reference).startsWith("[1,\"").hasSizeLessThan(80);
    assertThat(load(new ExperimentRepository(), e.id())).as("cold").isEqualTo(canaryLast);
    assertThat(load(repository, e.id())).as("warm").isEqualTo(canaryLast);
    Judgment read = load(new ExperimentRepository(), e.id()).lastJudgment();
    assertThat(read.summary()).as("the text, written on read").isNotBlank();
    assertThat(read.checks()).isNotEmpty();
    assertThat(read).isEqualTo(canaryLast.lastJudgment());
    String viaPsql =
        one(
            "SELECT aegis_judgment(last_judgment) ->> 'verdict' || ' '"
                + " || (aegis_judgment(last_judgment) ->> 'draft') FROM experiments_current"
                + " WHERE id = :id",
            e.id(),
            String.class);
    assertThat(viaPsql)
        .as("psql reads a reference through aegis_judgment")
        .isEqualTo(canaryLast.lastJudgment().verdict().name() + " true");

    Experiment notAPrefix = observe(canaryLast, NOT_A_PREFIX);
    write(repository, canaryLast, notAPrefix);
    assertThat(storedJudgment(e.id()))
        .as("a draft of samples that are not a prefix of the journal: stored with its text")
        .isEqualTo(notAPrefix.lastJudgment());
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(notAPrefix);
  }

  @Test
  @DisplayName(
      "a draft followed by baseline windows is stored by reference to the prefix of the journal it"
          + " judged, and read back warm, cold and after a write afresh as the judge's judgment")
  void draftsBeforeBaselineWindowsAreStoredByReference() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    // Canary and baseline windows, as a monitor of both tracks sends them (no stable window: a
    // snapshot lists the tracks one after the other, and the judged samples stay its prefix).
    Experiment before =
        observe(
            e,
            HealthWindow.Track.CANARY,
            HealthWindow.Track.BASELINE,
            HealthWindow.Track.CANARY,
            HealthWindow.Track.BASELINE);
    write(repository, e, before);

    Experiment baselineLast =
        observe(
            before,
            HealthWindow.Track.CANARY,
            HealthWindow.Track.BASELINE,
            HealthWindow.Track.CANARY,
            HealthWindow.Track.BASELINE,
            HealthWindow.Track.BASELINE);
    assertThat(baselineLast.judgmentAsDecided().draft()).as("the core's draft").isNotNull();
    assertThat(baselineLast.judgmentAsDecided().judged().samples())
        .as("judged before the last two windows")
        .isNotEqualTo(baselineLast.progress().samples());
    write(repository, before, baselineLast);
    assertThat(storedJudgmentText(e.id()))
        .as("a reference whose last two journal rows were not judged")
        .startsWith("[1,\"")
        .endsWith(",2]")
        .hasSizeLessThan(80);
    Experiment cold = load(new ExperimentRepository(), e.id());
    assertThat(cold).as("cold: the judged prefix replayed").isEqualTo(baselineLast);
    assertThat(cold.lastJudgment().summary())
        .as("the text, written on read, is the judge's")
        .isEqualTo(baselineLast.lastJudgment().summary());
    assertThat(cold.lastJudgment().checks()).isEqualTo(baselineLast.lastJudgment().checks());
    assertThat(batchRead(repository, baselineLast))
        .as("warm: the writing replica's row cache")
        .isEqualTo(baselineLast);
    assertThat(
            one(
                "SELECT (aegis_judgment(last_judgment) ->> 'unjudged') FROM experiments_current"
                    + " WHERE id = :id",
                e.id(),
                String.class))
        .as("psql reads the unjudged rows through aegis_judgment")
        .isEqualTo("2");

    // Another replica, which has not cached the row, writes the next batch; then the first
    // replica, whose cached token the row no longer carries, appends to the samples it decided
    // from (the other replica's), with its state on the journal (V16).
    ExperimentRepository other = new ExperimentRepository();
    Experiment loaded = load(other, e.id());
    Experiment next = observe(loaded, HealthWindow.Track.CANARY, HealthWindow.Track.BASELINE);
    write(other, loaded, next);
    assertThat(storedJudgmentText(e.id())).endsWith(",1]");
    Experiment afresh = observe(next, HealthWindow.Track.CANARY, HealthWindow.Track.BASELINE);
    decidedWrite(repository, next, afresh);
    assertThat(storedJudgmentText(e.id()))
        .as("appended after another replica's write: still a reference to its prefix")
        .endsWith(",1]");
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(afresh);
    assertThat(batchRead(repository, afresh)).isEqualTo(afresh);

    // A reference that leaves out more rows than the step holds (edited by hand, wherever it is
    // stored: on the row, or on a journal-only write's state row) is refused.
    app.useHandle(
        h -> {
          h.createUpdate(
                  "UPDATE experiments SET last_judgment = (left(last_judgment::text,"
                      + " length(last_judgment::text) - 2) || '999]')::json WHERE id = :id")
              .bind("id", e.id())
              .execute();
          h.createUpdate(
                  "UPDATE step_samples SET last_judgment = (left(last_judgment::text,"
                      + " length(last_judgment::text) - 2) || '999]')::json"
                      + " WHERE experiment_id = :id AND last_judgment IS NOT NULL")
              .bind("id", e.id())
              .execute();
        });
    assertThat(storedJudgmentText(e.id())).endsWith(",999]");
    assertThatThrownBy(() -> load(new ExperimentRepository(), e.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("leaves out 999 journal rows");
  }

  @Test
  @DisplayName(
      "with a judgment interval, a judgment stored with its text trails first; a reference is"
          + " written once it may not, and a reference never trails")
  void aTrailingJudgmentIsKeptBeforeAReference() {
    ExperimentRepository repository =
        new ExperimentRepository(new StepSampleRepository(), 100, Duration.ofSeconds(5));
    Experiment e = started(repository);
    Experiment first = observe(e, 3, HealthWindow.Track.CANARY);
    write(repository, e, first, T0.plusSeconds(1));
    assertThat(storedJudgmentText(e.id())).as("nothing to trail: a reference").startsWith("[1,");

    Experiment second = observe(first, NOT_A_PREFIX);
    write(repository, first, second, T0.plusSeconds(2));
    assertThat(storedJudgment(e.id()))
        .as("a reference does not trail: a draft that is not one is stored with its text")
        .isEqualTo(second.lastJudgment());

    Experiment third = observe(second, 3, HealthWindow.Track.CANARY);
    assertThat(third.lastJudgment().verdict()).isEqualTo(second.lastJudgment().verdict());
    write(repository, second, third, T0.plusSeconds(3));
    assertThat(storedJudgment(e.id()))
        .as("within the interval the text trails, though a reference could be written")
        .isEqualTo(second.lastJudgment());
    assertThat(load(new ExperimentRepository(), e.id()))
        .isEqualTo(third.withLastJudgment(second.lastJudgment()));

    Experiment fourth = observe(third, 3, HealthWindow.Track.CANARY);
    write(repository, third, fourth, T0.plusSeconds(8));
    assertThat(storedJudgmentText(e.id())).as("the interval passed: a reference").startsWith("[1,");
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(fourth);
  }

  @Test
  @DisplayName(
      "a tolerated failure's draft is stored by reference with the failure count the judge saw, and"
          + " read back as that failure")
  void toleratedFailureByReference() {
    // The judge counts the failure, so the row's progress carries one more than the judge saw.
    ExperimentRepository tolerant = new ExperimentRepository();
    Experiment t =
        started(
            tolerant,
            LONG_STEPS.withAnalysis(
                new Analysis(
                    0.98, 0.10, 0.10, 95, 75, 5, 3, null, Analysis.OnInconclusive.PAUSE, 3)));
    // A clean baseline beside a canary failing one request in five: the anytime error-rate test
    // crosses long before the step's 24 hours, and the policy tolerates that failure.
    Experiment breached = t;
    for (int pair = 0; pair < 100 && breached.progress().failures() == 0; pair++) {
      breached = observe(breached, HealthWindow.Track.BASELINE, 1000, 0);
      nextWindow -= 10; // the canary window of the same span: a pair
      breached = observe(breached, HealthWindow.Track.CANARY, 1000, 200);
    }
    assertThat(breached.judgmentAsDecided().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(breached.progress().failures()).isEqualTo(1);
    write(tolerant, t, breached);
    assertThat(storedJudgmentText(t.id())).startsWith("[1,\"HOLD\",1,").endsWith(",0]");
    Experiment cold = load(new ExperimentRepository(), t.id());
    assertThat(cold).isEqualTo(breached);
    assertThat(cold.lastJudgment().summary()).contains("failure 1 of 3 tolerated");
  }

  @Test
  @DisplayName(
      "a replica whose sample cache cannot hold an experiment's samples appends each write's new"
          + " samples to the ones it read, instead of writing the step's samples afresh")
  void smallSampleCacheStillAppends() {
    ExperimentRepository repository =
        new ExperimentRepository(new StepSampleRepository(1), 100, Duration.ZERO);
    Experiment e = started(repository);
    Experiment latest = e;
    int windows = 0;
    for (int i = 0; i < 5; i++) {
      Experiment read = batchRead(repository, latest);
      assertThat(read).as("read back from the table").isEqualTo(latest);
      Experiment next = observe(read, 3);
      windows += 3;
      app.useTransaction(
          h -> {
            repository.findForUpdate(Tx.of(h), read.id()).orElseThrow();
            repository.updateAll(
                Tx.of(h),
                List.of(new ExperimentRepository.Change(read.revision(), next, read)),
                T0);
          });
      latest = next;
    }
    assertThat(count("SELECT count(*) FROM step_samples WHERE seed AND experiment_id = :id", e))
        .as("no write started the journal afresh")
        .isZero();
    assertThat(count("SELECT count(*) FROM step_samples WHERE experiment_id = :id", e))
        .as("one row per window, and one per fault that first touched the step")
        .isBetween((long) windows, (long) windows * 2);
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(latest);
  }

  @Test
  @DisplayName(
      "given the samples after each decision, a batch whose window merged its track appends that"
          + " window: 300 windows, and the journal is never started afresh; every state, its"
          + " judgment included, reads back cold as decided")
  void mergesAppendWithTheDecisionsPath() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    long seedRows =
        count("SELECT count(*) FROM step_samples WHERE seed AND experiment_id = :id", e);
    int windows = 0;
    int merges = 0;
    int prefixReferences = 0;
    for (int batch = 0; batch < 100; batch++) {
      Experiment read = batchRead(repository, e);
      List<StepEvidence> path = new ArrayList<>();
      int n = 1 + random.nextInt(5);
      Experiment next = observe(read, n, path);
      windows += n;
      merges += path.get(0).size() < read.progress().samples().size() + 1 ? 1 : 0;
      for (int i = 1; i < path.size(); i++) {
        merges += path.get(i).size() < path.get(i - 1).size() + 1 ? 1 : 0;
      }
      app.useTransaction(
          h -> {
            repository.findForUpdate(Tx.of(h), read.id()).orElseThrow();
            repository.updateAll(
                Tx.of(h),
                List.of(new ExperimentRepository.Change(read.revision(), next, read, path)),
                T0);
          });
      assertThat(load(new ExperimentRepository(), e.id()))
          .as("cold, batch %d", batch)
          .isEqualTo(next);
      if (storedJudgmentText(e.id()).matches("\\[1,.*,[0-9]+,[1-9][0-9]*]")) {
        prefixReferences++;
      }
      e = next;
    }
    assertThat(merges).as("windows that merged their track").isPositive();
    assertThat(prefixReferences)
        .as("drafts stored by reference to a prefix of the journal, read back cold as decided")
        .isPositive();
    assertThat(count("SELECT count(*) FROM step_samples WHERE seed AND experiment_id = :id", e))
        .as("seed rows: only the step's start")
        .isEqualTo(seedRows);
    assertThat(count("SELECT count(*) FROM step_samples WHERE experiment_id = :id", e))
        .as("one row per window, and one per fault that first touched the step")
        .isBetween((long) windows, (long) windows * 2);
  }

  @Test
  @DisplayName(
      "a batch that only adds a running canary's windows leaves its row as it was: the journal's"
          + " last row carries the state, which every read sees (V16)")
  void journalOnlyWritesLeaveTheRow() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    long rowVersion = one("SELECT version FROM experiments WHERE id = :id", e.id(), Long.class);
    String rowProgress =
        one("SELECT progress::text FROM experiments WHERE id = :id", e.id(), String.class);
    for (int batch = 0; batch < 5; batch++) {
      Experiment read = batchRead(repository, e);
      Experiment next = observe(read, 2, HealthWindow.Track.CANARY);
      decidedWrite(repository, read, next);
      e = next;
      assertThat(load(new ExperimentRepository(), e.id())).as("cold, batch %d", batch).isEqualTo(e);
      assertThat(batchRead(new ExperimentRepository(), e))
          .as("a cold batch read, batch %d", batch)
          .isEqualTo(e);
    }
    assertThat(one("SELECT version FROM experiments WHERE id = :id", e.id(), Long.class))
        .as("the row's revision")
        .isEqualTo(rowVersion);
    assertThat(one("SELECT progress::text FROM experiments WHERE id = :id", e.id(), String.class))
        .as("the row's progress")
        .isEqualTo(rowProgress);
    assertThat(one("SELECT version FROM experiments_current WHERE id = :id", e.id(), Long.class))
        .as("the experiment's revision, as read")
        .isEqualTo(e.revision());
    assertThat(
            count(
                "SELECT count(*) FROM step_samples WHERE experiment_id = :id AND revision IS NOT NULL",
                e))
        .as("one state row per write")
        .isEqualTo(5);
    long revision = e.revision();
    List<ExperimentRepository.Stamp> feed =
        app.withHandle(h -> repository.updatedAfter(Tx.of(h), T0.minusSeconds(1), 10));
    assertThat(feed)
        .as("the dashboard's feed sees the write")
        .extracting(ExperimentRepository.Stamp::revision)
        .containsExactly(revision);
  }

  @Test
  @DisplayName(
      "a transaction holding the row's lock fences the journal: a batch that read before it waits"
          + " for it, then finds the experiment moved, and the locked write stands")
  void aLockedWriteFencesOffABatch() throws Exception {
    ExperimentRepository batchReplica = new ExperimentRepository();
    ExperimentRepository api = new ExperimentRepository();
    Experiment e = started(batchReplica);
    Experiment read = batchRead(batchReplica, e);
    Experiment batchNext = observe(read, 2, HealthWindow.Track.CANARY);
    Experiment[] apiWrote = new Experiment[1];

    Throwable batchFailure =
        batchBehindALock(
            batchReplica,
            read,
            batchNext,
            h -> {
              Experiment current = api.findForUpdate(h, read.id()).orElseThrow().experiment();
              return () -> {
                Experiment next = observe(current, 1, HealthWindow.Track.BASELINE);
                api.update(h, current.revision(), next, T0);
                apiWrote[0] = next;
              };
            });

    assertThat(batchFailure).isInstanceOf(StaleStateException.class);
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(apiWrote[0]);
    assertThat(batchRead(batchReplica, apiWrote[0]))
        .as("the batch's replica, reading again")
        .isEqualTo(apiWrote[0]);
  }

  @Test
  @DisplayName(
      "a transaction that locks a canary and writes nothing drops its fence before it commits: a"
          + " batch that read before it waits at its insert, then goes on and stands")
  void anUnwrittenFenceLetsTheBatchThrough() throws Exception {
    ExperimentRepository batchReplica = new ExperimentRepository();
    ExperimentRepository api = new ExperimentRepository();
    Experiment e = started(batchReplica);
    Experiment read = batchRead(batchReplica, e);
    Experiment batchNext = observe(read, 2, HealthWindow.Track.CANARY);

    Throwable batchFailure =
        batchBehindALock(
            batchReplica,
            read,
            batchNext,
            h -> {
              api.findForUpdate(h, read.id()).orElseThrow();
              return () -> {}; // decides nothing: writes nothing
            });

    assertThat(batchFailure).isNull();
    assertThat(fences(e)).as("no fence left").isZero();
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(batchNext);
    assertThat(batchRead(batchReplica, batchNext)).isEqualTo(batchNext);
  }

  /**
   * Another transaction runs {@code lock} (which locks {@code read}'s experiment and returns what
   * it does next) and holds it while a batch of {@code batchReplica} writes {@code batchNext},
   * decided from {@code read}; once the batch waits for it at its insert, that transaction goes on
   * and commits.
   *
   * @return why the batch's write failed, or null when it committed
   */
  private Throwable batchBehindALock(
      ExperimentRepository batchReplica,
      Experiment read,
      Experiment batchNext,
      Function<Tx, Runnable> lock)
      throws Exception {
    CountDownLatch locked = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Thread locking =
        new Thread(
            () ->
                app.useTransaction(
                    h -> {
                      Runnable then = lock.apply(Tx.of(h));
                      locked.countDown();
                      try {
                        release.await();
                      } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                      }
                      then.run();
                    }));
    locking.start();
    assertThat(locked.await(30, TimeUnit.SECONDS)).isTrue();
    ExecutorService batch = Executors.newSingleThreadExecutor();
    try {
      var batchWrite =
          batch.submit(
              () ->
                  app.useTransaction(
                      h -> {
                        batchReplica.readLive(
                            Tx.of(h),
                            List.of(new ExperimentRepository.ServiceRef("shop", "checkout")),
                            true);
                        batchReplica.updateAll(
                            Tx.of(h),
                            List.of(
                                new ExperimentRepository.Change(read.revision(), batchNext, read)),
                            T0);
                      }));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> waitingOnALock("INSERT INTO step_samples"));
      assertThat(batchWrite.isDone()).as("the batch waits for the locked transaction").isFalse();
      release.countDown();
      locking.join(30_000);
      try {
        batchWrite.get(30, TimeUnit.SECONDS);
        return null;
      } catch (ExecutionException failed) {
        return failed.getCause();
      }
    } finally {
      release.countDown();
      batch.shutdownNow();
    }
  }

  @Test
  @DisplayName(
      "of a transaction's fences only those no write of it follows are dropped; this replica's"
          + " next batch, deciding from its own last write without a statement, appends after"
          + " them")
  void onlyTrailingFencesAreDropped() {
    ExperimentRepository repository = new ExperimentRepository();
    Experiment e = started(repository);
    List<ExperimentRepository.ServiceRef> service =
        List.of(new ExperimentRepository.ServiceRef("shop", "checkout"));
    Experiment read = batchRead(repository, e);
    Experiment next = observe(read, 1, HealthWindow.Track.CANARY);
    decidedWrite(repository, read, next);

    app.useTransaction(h -> repository.findForUpdate(Tx.of(h), e.id()).orElseThrow());
    assertThat(fences(e)).as("locked, nothing written").isZero();

    Experiment[] observed = new Experiment[1];
    app.useTransaction(
        h -> {
          Experiment current =
              repository.findForUpdate(Tx.of(h), e.id()).orElseThrow().experiment();
          observed[0] = observe(current, 1, HealthWindow.Track.BASELINE);
          repository.update(Tx.of(h), current.revision(), observed[0], T0);
          // Locked again after the write: this fence follows it and goes; the first stays.
          repository.findForUpdate(Tx.of(h), e.id()).orElseThrow();
        });
    assertThat(fences(e)).as("the fence the write follows").isEqualTo(1);
    Experiment written = observed[0];
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(written);

    Experiment after = observe(written, 1, HealthWindow.Track.CANARY);
    app.useTransaction(
        h -> {
          ExperimentRepository.LiveRead live = repository.readLive(Tx.of(h), service, true);
          assertThat(live.unverified()).as("taken from its own write").containsKey(e.id());
          repository.updateAll(
              Tx.of(h),
              List.of(new ExperimentRepository.Change(written.revision(), after, written)),
              T0);
        });
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(after);
  }

  @Test
  @DisplayName(
      "of two journal-only writes from the same read (two replicas while a partition changes"
          + " hands), the second finds the experiment moved and writes nothing")
  void twoJournalOnlyWritersFromOneRead() {
    ExperimentRepository a = new ExperimentRepository();
    ExperimentRepository b = new ExperimentRepository();
    Experiment e = started(a);
    Experiment readA = batchRead(a, e);
    Experiment readB = batchRead(b, e);
    Experiment nextA = observe(readA, 2, HealthWindow.Track.CANARY);
    Experiment nextB = observe(readB, 1, HealthWindow.Track.CANARY);
    long rowsBefore = rows();
    app.useTransaction(
        h -> {
          a.readLive(Tx.of(h), List.of(new ExperimentRepository.ServiceRef("shop", "checkout")));
          a.updateAll(
              Tx.of(h),
              List.of(new ExperimentRepository.Change(readA.revision(), nextA, readA)),
              T0);
        });
    long rowsAfterA = rows();
    assertThatThrownBy(() -> decidedWrite(b, readB, nextB)).isInstanceOf(StaleStateException.class);
    assertThat(rowsAfterA - rowsBefore).as("a's windows").isEqualTo(3);
    assertThat(rows()).as("nothing of b's").isEqualTo(rowsAfterA);
    assertThat(load(new ExperimentRepository(), e.id())).isEqualTo(nextA);
  }

  @Test
  @DisplayName(
      "an append that finds sequence numbers taken names the experiments another writer appended"
          + " to, and only them; two writers of the same microsecond cannot be told apart, and then"
          + " every experiment is named")
  void anAppendNamesTheExperimentsAnotherWriterMoved() {
    StepSampleRepository samples = new StepSampleRepository();
    Instant earlier = T0;
    Instant later = T0.plusSeconds(1);
    Set<String> first =
        app.inTransaction(
            h -> samples.append(Tx.of(h), List.of(fence("moved-1"), fence("moved-2")), earlier));
    assertThat(first).isEmpty();

    Set<String> shortOf =
        app.inTransaction(
            h ->
                samples.append(
                    Tx.of(h),
                    List.of(fence("kept-1"), fence("moved-1"), fence("kept-2"), fence("moved-2")),
                    later));
    assertThat(shortOf).containsExactlyInAnyOrder("moved-1", "moved-2");

    Set<String> sameTime =
        app.inTransaction(
            h -> samples.append(Tx.of(h), List.of(fence("kept-3"), fence("moved-1")), earlier));
    assertThat(sameTime).containsExactlyInAnyOrder("kept-3", "moved-1");
  }

  /** A fence at sequence number 0 of experiment {@code id}: one journal row. */
  private static StepSampleRepository.Appended fence(String id) {
    return new StepSampleRepository.Appended(id, 0, List.of(), null, true);
  }

  /**
   * Writes {@code after}, decided from {@code before} as read, in a transaction of its own, as a
   * batch does: a canary that only gained windows goes to the journal alone.
   */
  private void decidedWrite(ExperimentRepository repository, Experiment before, Experiment after) {
    app.useTransaction(
        h ->
            repository.updateAll(
                Tx.of(h),
                List.of(new ExperimentRepository.Change(before.revision(), after, before)),
                T0));
  }

  /** Whether a session waits for a lock in a statement that starts with {@code statement}. */
  private boolean waitingOnALock(String statement) {
    return app.withHandle(
        h ->
            h.createQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND starts_with(query, :statement)")
                    .bind("statement", statement)
                    .mapTo(Long.class)
                    .one()
                > 0);
  }

  private long count(String sql, Experiment e) {
    return one(sql, e.id(), Long.class);
  }

  /** The one value {@code sql} selects for the experiment bound as {@code :id}. */
  private <T> T one(String sql, String id, Class<T> type) {
    return app.withHandle(h -> h.createQuery(sql).bind("id", id).mapTo(type).one());
  }

  private Judgment storedJudgment(String id) {
    String json = storedJudgmentText(id);
    assertThat(json).as("stored with its text").startsWith("{");
    return StateJson.read(json, Judgment.class);
  }

  private String storedJudgmentText(String id) {
    return one(
        "SELECT last_judgment::text FROM experiments_current WHERE id = :id", id, String.class);
  }

  private Experiment started(ExperimentRepository repository) {
    return started(repository, LONG_STEPS);
  }

  private Experiment started(ExperimentRepository repository, Policy policy) {
    Experiment submitted =
        Experiment.submitted(
            "exp-" + random.nextInt(1_000_000),
            "checkout",
            "shop",
            new Candidate("v2", "registry.local/checkout:v2"),
            policy,
            "v1",
            T0);
    Decision d = CORE.decide(submitted, new LifecycleInput.Submit(null), T0);
    assertThat(d.after().phase()).isEqualTo(Phase.CANARY);
    app.useTransaction(
        h -> {
          repository.manage(Tx.of(h), "checkout", "shop", T0);
          repository.insert(Tx.of(h), d.after(), "test", "rest", null, null, T0);
        });
    nextWindow = 60;
    return d.after();
  }

  /** {@code windows} windows of random tracks, some under a chaos fault, decided by the core. */
  private Experiment observe(Experiment e, int windows) {
    return observe(e, windows, new ArrayList<>());
  }

  /**
   * {@code windows} windows of random tracks, then one of {@code last} (without a fault), decided
   * by the core.
   */
  private Experiment observe(Experiment e, int windows, HealthWindow.Track last) {
    return observe(observe(e, windows), last, 1000, 2);
  }

  /**
   * A batch whose draft judged samples that are not a prefix of its journal rows: the stable window
   * comes before the last canary window, the baseline window after it, and the rows are appended
   * track by track (canary, baseline, stable).
   */
  private static final HealthWindow.Track[] NOT_A_PREFIX = {
    HealthWindow.Track.CANARY,
    HealthWindow.Track.STABLE,
    HealthWindow.Track.CANARY,
    HealthWindow.Track.BASELINE
  };

  /** One window of each of {@code tracks}, in order, decided by the core. */
  private Experiment observe(Experiment e, HealthWindow.Track... tracks) {
    for (HealthWindow.Track track : tracks) {
      e = observe(e, track, 1000, 2);
    }
    return e;
  }

  /** One window of {@code track} with {@code requests} and {@code errors}, decided by the core. */
  private Experiment observe(Experiment e, HealthWindow.Track track, long requests, long errors) {
    Instant start = T0.plusSeconds(nextWindow);
    nextWindow += 10;
    HealthWindow w = window(track, start, requests, errors, 200);
    Decision d = CORE.decide(e, new LifecycleInput.Observe(w, List.of()), start.plusSeconds(10));
    assertThat(d.isRefused()).isFalse();
    return d.after();
  }

  /** A 10-second window of checkout in shop from {@code start}: v2 on the canary track, else v1. */
  private static HealthWindow window(
      HealthWindow.Track track, Instant start, long requests, long errors, double p95Ms) {
    return new HealthWindow(
        "checkout",
        track == HealthWindow.Track.CANARY ? "v2" : "v1",
        track,
        start,
        start.plusSeconds(10),
        requests,
        errors,
        80,
        p95Ms,
        300,
        0.4,
        0.5,
        "shop");
  }

  /** {@link #observe(Experiment, int)}, adding to {@code path} the samples after each window. */
  private Experiment observe(Experiment e, int windows, List<StepEvidence> path) {
    for (int i = 0; i < windows; i++) {
      HealthWindow.Track track = HealthWindow.Track.values()[random.nextInt(3)];
      Instant start = T0.plusSeconds(nextWindow);
      nextWindow += 10;
      HealthWindow w =
          window(
              track,
              start,
              1000 + random.nextInt(200),
              random.nextInt(10),
              180 + random.nextInt(40));
      List<ActiveFault> faults =
          random.nextInt(10) == 0
              ? List.of(
                  new ActiveFault(
                      "fault-" + nextWindow / 200,
                      "latency",
                      track,
                      start.minusSeconds(5),
                      start.plusSeconds(60)))
              : List.of();
      Decision d = CORE.decide(e, new LifecycleInput.Observe(w, faults), start.plusSeconds(10));
      assertThat(d.isRefused()).isFalse();
      e = d.after();
      path.add(e.progress().samples());
    }
    return e;
  }

  private void write(ExperimentRepository repository, Experiment before, Experiment after) {
    write(repository, before, after, T0);
  }

  private void write(
      ExperimentRepository repository, Experiment before, Experiment after, Instant now) {
    app.useTransaction(
        h -> {
          repository.findForUpdate(Tx.of(h), before.id()).orElseThrow();
          repository.update(Tx.of(h), before.revision(), after, now);
        });
  }

  /** The experiment as a batch reads it: {@link ExperimentRepository#readLive}. */
  private Experiment batchRead(ExperimentRepository repository, Experiment e) {
    return app.inTransaction(
        h ->
            repository
                .readLive(
                    Tx.of(h),
                    List.of(new ExperimentRepository.ServiceRef(e.namespace(), e.service())))
                .values()
                .iterator()
                .next()
                .experiment());
  }

  private Experiment load(ExperimentRepository repository, String id) {
    return app.withHandle(h -> repository.find(Tx.of(h), id).orElseThrow().experiment());
  }

  /** Experiment {@code e}'s fences: rows with no track, no faults and no state, not a seed. */
  private long fences(Experiment e) {
    return app.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM step_samples WHERE experiment_id = :id AND track IS NULL"
                        + " AND faults IS NULL AND NOT seed AND revision IS NULL")
                .bind("id", e.id())
                .mapTo(Long.class)
                .one());
  }

  /**
   * The journal's sample rows: fences (no track, no faults, not a seed; a write under the row's
   * lock appends one, V16) replay to nothing and are not counted.
   */
  private long rows() {
    return app.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM step_samples"
                        + " WHERE track IS NOT NULL OR faults IS NOT NULL OR seed")
                .mapTo(Long.class)
                .one());
  }
}
