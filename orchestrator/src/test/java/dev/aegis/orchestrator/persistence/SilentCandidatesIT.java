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
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The silence watch asks the database which experiments may have gone silent instead of loading
 * every CANARY experiment: the statement must find exactly those the core's silence check flags.
 */
class SilentCandidatesIT extends FreshDatabaseTest {

  private static final Instant T0 = Instant.parse("2026-12-05T10:00:00Z");
  private static final LifecycleCore CORE =
      new LifecycleCore(LifecycleStateMachine.transitionTable());
  private static final Duration[] SILENCES = {
    Duration.ofSeconds(90), Duration.ofMinutes(5), Duration.ofMillis(45_500), Duration.ofHours(26)
  };

  private final Random random = new Random(5);

  @Test
  @DisplayName(
      "over canaries, paused and already silent experiments with four policies, the candidates at"
          + " each instant are exactly the experiments the core flags, longest silent first")
  void candidatesAreWhatTheCoreFlags() {
    ExperimentRepository repository = new ExperimentRepository();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      Experiment e = stored(repository, i);
      ids.add(e.id());
    }
    // As a replica that did not write them reads them back (times in microseconds).
    ExperimentRepository cold = new ExperimentRepository();
    List<Experiment> stored = new ArrayList<>();
    for (String id : ids) {
      stored.add(app.withHandle(h -> cold.find(Tx.of(h), id).orElseThrow().experiment()));
    }
    Set<Integer> sizes = new HashSet<>();
    for (long seconds : new long[] {0, 30, 46, 91, 200, 301, 600, 3_600, 100_000}) {
      Instant now = T0.plusSeconds(seconds);
      Set<String> flagged = new HashSet<>();
      for (Experiment e : stored) {
        Decision d = CORE.decide(e, new LifecycleInput.CheckSilence(), now);
        if (!d.isRefused() && d.changed()) {
          flagged.add(e.id());
        }
      }
      sizes.add(flagged.size());
      List<String> candidates =
          app.withHandle(h -> repository.silentCandidates(Tx.of(h), now, 10_000));
      assertThat(new HashSet<>(candidates)).as("at +%ds", seconds).isEqualTo(flagged);
      List<String> firstTwo = app.withHandle(h -> repository.silentCandidates(Tx.of(h), now, 2));
      assertThat(firstTwo)
          .as("the limit keeps the longest silent")
          .isEqualTo(candidates.subList(0, Math.min(2, candidates.size())));
    }
    assertThat(sizes)
        .as("instants with different numbers of silent experiments")
        .hasSizeGreaterThan(4);
    long stateRows =
        app.withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM step_samples WHERE revision IS NOT NULL")
                    .mapTo(Long.class)
                    .one());
    assertThat(stateRows)
        .as("canaries whose window's time is on the journal, not on their row")
        .isPositive();
  }

  /** Experiment {@code i}: a canary that heard a window or none, paused, or flagged already. */
  private Experiment stored(ExperimentRepository repository, int i) {
    Duration maxSilence = SILENCES[i % SILENCES.length];
    Policy policy =
        new Policy(
            List.of(
                new CanaryStep(10, Duration.ofHours(1)), new CanaryStep(100, Duration.ofHours(1))),
            new Slo(0.05, 500),
            100,
            maxSilence);
    Instant submittedAt = T0.minusSeconds(random.nextInt(120));
    Experiment e =
        CORE.decide(
                Experiment.submitted(
                    "exp-" + i,
                    "svc-" + i,
                    "shop",
                    new Candidate("v2", "registry.local/svc:v2"),
                    policy,
                    "v1",
                    submittedAt),
                new LifecycleInput.Submit(null),
                submittedAt)
            .after();
    Experiment started = e;
    int kind = random.nextInt(4);
    if (kind >= 1) {
      // Heard a canary window some seconds ago (wall clock), with sub-millisecond parts.
      Instant heard = T0.minusMillis(random.nextInt(60_000)).plusNanos(random.nextInt(1_000_000));
      HealthWindow w =
          new HealthWindow(
              "svc-" + i,
              "v2",
              HealthWindow.Track.CANARY,
              heard.minusSeconds(10),
              heard,
              1000,
              0,
              80,
              180,
              300,
              0.4,
              0.5,
              "shop");
      e = CORE.decide(e, new LifecycleInput.Observe(w), heard).after();
    }
    if (kind == 2) {
      e =
          CORE.decide(
                  e,
                  new LifecycleInput.Manual(LifecycleInput.ManualAction.PAUSE, "sre", "look"),
                  T0)
              .after();
      assertThat(e.phase()).isEqualTo(Phase.PAUSED);
    }
    if (kind == 3) {
      e = CORE.decide(e, new LifecycleInput.CheckSilence(), T0.plusSeconds(100_000)).after();
      assertThat(e.silent()).isTrue();
    }
    // Stored as started, then written as decided: a canary that only heard its window is written
    // to the journal alone (V16), so the window's time is read from there.
    Experiment toStore = e;
    app.useTransaction(
        h -> {
          repository.manage(Tx.of(h), toStore.service(), "shop", T0);
          repository.insert(Tx.of(h), started, "test", "rest", null, null, T0);
          if (toStore != started) {
            repository.updateAll(
                Tx.of(h),
                List.of(new ExperimentRepository.Change(started.revision(), toStore, started)),
                T0);
          }
        });
    return e;
  }
}
