package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LifecycleCoreTest {

  private final List<Decision> decisions = new ArrayList<>();

  private Experiment apply(Experiment e, LifecycleInput input) {
    Decision d = CORE.decide(e, input, T0.plusSeconds(decisions.size()));
    decisions.add(d);
    return d.after();
  }

  private Experiment started() {
    return apply(Fixtures.submitted(), new LifecycleInput.Submit(null));
  }

  /**
   * Feeds 5-second windows from {@code offset} until the experiment leaves CANARY or windows run
   * out.
   */
  private Experiment feed(
      Experiment e, long offset, int windows, long requests, long errors, double p95) {
    for (int i = 0; i < windows && e.phase() == Phase.CANARY; i++) {
      e = apply(e, observe(canary(offset + 5L * i, 5, requests, errors, p95)));
    }
    return e;
  }

  private List<Command.ForExperiment> commands() {
    return decisions.stream().flatMap(d -> d.commands().stream()).toList();
  }

  @Test
  @DisplayName("a good candidate goes 10 → 50 → 100 → PROMOTED, shifting traffic at every step")
  void goodCandidateIsPromoted() {
    Experiment e = feed(started(), 0, 20, 100, 0, 250);

    assertThat(e.phase()).isEqualTo(Phase.PROMOTED);
    assertThat(commands())
        .extracting(c -> c.kind().wire())
        .containsExactly(
            "SetTrafficWeight", "SetTrafficWeight", "SetTrafficWeight", "PromoteCandidate");
    assertThat(
            commands().stream()
                .filter(c -> c instanceof Command.SetTrafficWeight)
                .map(c -> ((Command.SetTrafficWeight) c).weight()))
        .containsExactly(10, 50, 100);
    List<Transition> transitions =
        decisions.stream().flatMap(d -> d.transitions().stream()).toList();
    assertThat(transitions)
        .extracting(Transition::trigger)
        .containsExactly(
            Trigger.START, Trigger.STEP_PASSED, Trigger.STEP_PASSED, Trigger.FINAL_STEP_PASSED);
    assertThat(transitions.get(3).evidence().verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  @DisplayName(
      "each step needs its own minimum duration of windows: 10 s steps of 5 s windows take 2 windows each")
  void stepsAreTimedOnEventTime() {
    Experiment e = feed(started(), 0, 3, 100, 0, 250);

    assertThat(e.stepIndex()).as("after 3 windows: step 1 took 2, step 2 has 1").isEqualTo(1);
    assertThat(e.progress().observed()).isEqualTo(Duration.ofSeconds(5));
    assertThat(e.progress().boundary()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  @DisplayName(
      "a candidate with a 5% error rate is quarantined, with the error-rate check as evidence")
  void errorRateBreachQuarantines() {
    Experiment e = feed(started(), 0, 10, 100, 5, 250);

    assertThat(e.phase())
        .as("the rollback is commanded, not yet applied")
        .isEqualTo(Phase.ROLLING_BACK);
    Decision failed = decisions.get(decisions.size() - 1);
    assertThat(failed.transitions()).extracting(Transition::to).containsExactly(Phase.ROLLING_BACK);
    assertThat(failed.commands())
        .extracting(c -> c.kind().wire())
        .containsExactly("RollBackCandidate");
    assertThat(failed.quarantineEvidence()).as("the RCA is written once quarantined").isNull();
    assertThat(failed.judgment().failedChecks())
        .singleElement()
        .satisfies(
            check -> {
              assertThat(check.name()).isEqualTo(Check.ERROR_RATE);
              assertThat(check.observed()).isEqualTo(0.05);
              assertThat(check.threshold()).isEqualTo(0.02);
            });
    assertThat(failed.freedService()).isFalse();

    e =
        apply(
            e,
            rollbackReport(failed, LifecycleInput.ActuationOutcome.APPLIED, "traffic 100% stable"));
    Decision settled = decisions.get(decisions.size() - 1);
    assertThat(e.phase()).isEqualTo(Phase.QUARANTINED);
    assertThat(settled.transitions()).extracting(Transition::to).containsExactly(Phase.QUARANTINED);
    assertThat(settled.commands())
        .extracting(c -> c.kind().wire())
        .containsExactly("QuarantineCandidate");
    assertThat(settled.freedService()).isTrue();
    assertThat(settled.quarantineEvidence()).isEqualTo(failed.judgment());
    assertThat(e.actuation()).isEqualTo(Actuation.NONE);
  }

  @Test
  @DisplayName("a rollback that keeps failing raises the alarm and is never reported as done")
  void failingRollbackRaisesTheAlarm() {
    Experiment e = feed(started(), 0, 10, 100, 5, 250);
    Decision failed = decisions.get(decisions.size() - 1);

    for (int i = 1; i < Actuation.ALARM_AFTER; i++) {
      e =
          apply(
              e,
              rollbackReport(failed, LifecycleInput.ActuationOutcome.DEFERRED, "API answered 503"));
      assertThat(e.actuation().alarm()).as("after %d deferral(s)", i).isFalse();
    }
    e =
        apply(
            e,
            rollbackReport(
                failed, LifecycleInput.ActuationOutcome.DEFERRED, "circuit breaker open"));

    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(e.actuation().alarm()).isTrue();
    assertThat(e.actuation().failures()).isEqualTo(Actuation.ALARM_AFTER);
    assertThat(e.actuation().problem()).contains("circuit breaker open");
    assertThat(decisions.subList(decisions.size() - Actuation.ALARM_AFTER, decisions.size()))
        .allSatisfy(d -> assertThat(d.transitions()).isEmpty());

    e =
        apply(
            e,
            rollbackReport(failed, LifecycleInput.ActuationOutcome.APPLIED, "traffic 100% stable"));
    assertThat(e.phase()).isEqualTo(Phase.QUARANTINED);
    assertThat(e.actuation().alarm()).as("the alarm ends with the rollback").isFalse();
  }

  @Test
  @DisplayName(
      "a traffic shift the cluster rejects aborts the experiment (not the candidate's fault) and rolls back")
  void rejectedTrafficShiftAborts() {
    Experiment e = started();
    Decision start = decisions.get(decisions.size() - 1);
    Command shift = start.commands().get(0);

    e =
        apply(
            e,
            new LifecycleInput.ActuationReport(
                shift.id(),
                shift.kind().wire(),
                LifecycleInput.ActuationOutcome.REJECTED,
                "deployment shop/checkout not found"));

    Decision rejected = decisions.get(decisions.size() - 1);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(rejected.transitions())
        .singleElement()
        .satisfies(t -> assertThat(t.reason()).contains("deployment shop/checkout not found"));
    assertThat(rejected.quarantineEvidence()).as("nothing is held against the image").isNull();
    e =
        apply(
            e,
            rollbackReport(
                rejected, LifecycleInput.ActuationOutcome.APPLIED, "traffic 100% stable"));
    assertThat(e.phase()).isEqualTo(Phase.ABORTED);
  }

  @Test
  @DisplayName(
      "a promoted version that breaches its production SLO is quarantined, with the breach as RCA evidence")
  void productionBreachQuarantinesThePromotedVersion() {
    Experiment e = feed(started(), 0, 6, 100, 0, 250);
    assertThat(e.phase()).isEqualTo(Phase.PROMOTED);

    e =
        apply(
            e,
            new LifecycleInput.ProductionBreach(
                Check.ERROR_RATE,
                0.08,
                0.05,
                300,
                "8.0% errors > 5.0% for 300 s: production rolled back to the previous V2"));

    Decision breach = decisions.get(decisions.size() - 1);
    assertThat(e.phase()).isEqualTo(Phase.QUARANTINED);
    assertThat(breach.transitions())
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.trigger()).isEqualTo(Trigger.PRODUCTION_BREACH);
              assertThat(t.evidence().verdict()).isEqualTo(Verdict.FAIL);
            });
    assertThat(breach.quarantineEvidence().failedChecks())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.name()).isEqualTo(Check.ERROR_RATE);
              assertThat(c.observed()).isEqualTo(0.08);
            });
    assertThat(breach.commands())
        .as("production was rolled back by the guard's own command")
        .isEmpty();
  }

  private static LifecycleInput rollbackReport(
      Decision decision, LifecycleInput.ActuationOutcome outcome, String detail) {
    Command rollback =
        decision.commands().stream()
            .filter(c -> c instanceof Command.RollBackCandidate)
            .findFirst()
            .orElseThrow();
    return new LifecycleInput.ActuationReport(
        rollback.id(), rollback.kind().wire(), outcome, detail);
  }

  @Test
  @DisplayName("a candidate whose p95 is above the SLO fails its step")
  void latencyBreachQuarantines() {
    Experiment e = feed(started(), 0, 10, 100, 0, 4000);

    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(decisions.get(decisions.size() - 1).judgment().failedChecks())
        .extracting(Check::name)
        .containsExactly(Check.P95_LATENCY);
  }

  @Test
  @DisplayName(
      "a candidate with too few requests holds within its extension, then is paused for a human, never promoted")
  void tooFewRequestsHolds() {
    Experiment e = feed(started(), 0, 3, 1, 0, 250);

    assertThat(e.phase())
        .as("15 s observed: past the 10 s minimum, within the 10 s extension")
        .isEqualTo(Phase.CANARY);
    assertThat(e.lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(e.lastJudgment().summary()).contains("3 requests observed, 100 needed");

    e = feed(e, 15, 50, 1, 0, 250);

    assertThat(e.phase()).isEqualTo(Phase.PAUSED);
    assertThat(e.stepIndex()).isZero();
    assertThat(e.lastJudgment().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(e.lastJudgment().summary())
        .contains("4 requests observed, 100 needed", "paused for a human");
    Transition paused = decisions.get(decisions.size() - 1).transitions().get(0);
    assertThat(paused.trigger()).isEqualTo(Trigger.STEP_INCONCLUSIVE);
    assertThat(paused.actor()).isEqualTo(Transition.AEGIS);
    assertThat(paused.evidence().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(commands()).noneMatch(c -> c instanceof Command.PromoteCandidate);
  }

  @Test
  @DisplayName("a repeated or overlapping window adds requests but no observed time")
  void overlappingWindowsDoNotStretchTime() {
    Experiment e = started();
    e = apply(e, observe(canary(0, 5, 10, 0, 250)));
    e = apply(e, observe(canary(0, 5, 10, 0, 250)));
    e = apply(e, observe(canary(3, 5, 10, 0, 250)));

    assertThat(e.progress().observed()).isEqualTo(Duration.ofSeconds(8));
    assertThat(e.progress().requests()).isEqualTo(30);
  }

  @Test
  @DisplayName("a window that ended before the current step began is refused")
  void staleWindowIsRefused() {
    Experiment e = feed(started(), 0, 2, 100, 0, 250);
    assertThat(e.stepIndex()).isEqualTo(1);

    Decision d = CORE.decide(e, observe(canary(0, 5, 100, 100, 250)), T0);

    assertThat(d.refusal().code()).isEqualTo(Refusal.WINDOW_BEFORE_STEP);
    assertThat(d.after()).isSameAs(e);
  }

  @Test
  @DisplayName(
      "a canary window of another version, or a baseline window of the candidate's own version, is refused")
  void otherTracksAreNotJudged() {
    Experiment e = started();
    Decision baseline =
        CORE.decide(
            e, observe(Fixtures.window(HealthWindow.Track.BASELINE, "v2", 0, 5, 1, 1, 1)), T0);
    Decision oldVersion =
        CORE.decide(
            e, observe(Fixtures.window(HealthWindow.Track.CANARY, "v0", 0, 5, 1, 1, 1)), T0);

    assertThat(baseline.refusal().code()).isEqualTo(Refusal.NOT_CANDIDATE_WINDOW);
    assertThat(oldVersion.refusal().code()).isEqualTo(Refusal.NOT_CANDIDATE_WINDOW);
  }

  @Test
  @DisplayName("pausing freezes judgment and resuming continues the same step")
  void pauseAndResumeKeepTheStep() {
    Experiment e = feed(started(), 0, 1, 100, 0, 250);
    e = apply(e, new LifecycleInput.Manual(LifecycleInput.ManualAction.PAUSE, "alice", "look"));
    Decision whilePaused = CORE.decide(e, observe(canary(5, 5, 100, 0, 250)), T0);
    e = apply(e, new LifecycleInput.Manual(LifecycleInput.ManualAction.RESUME, "alice", "fine"));
    e = apply(e, observe(canary(10, 5, 100, 0, 250)));

    assertThat(whilePaused.refusal().code()).isEqualTo(Refusal.NOT_JUDGING);
    assertThat(e.stepIndex())
        .as("5 s before the pause + 5 s after it complete step 1")
        .isEqualTo(1);
  }

  @Test
  @DisplayName("aborting a running canary rolls back and ends ABORTED, recording who asked and why")
  void abortRollsBack() {
    Experiment e = feed(started(), 0, 1, 100, 0, 250);
    e =
        apply(
            e,
            new LifecycleInput.Manual(LifecycleInput.ManualAction.ABORT, "alice", "wrong build"));

    Decision last = decisions.get(decisions.size() - 1);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(last.commands())
        .extracting(c -> c.kind().wire())
        .containsExactly("RollBackCandidate");
    assertThat(last.transitions()).allSatisfy(t -> assertThat(t.actor()).isEqualTo("alice"));
    assertThat(last.transitions().get(0).reason()).contains("wrong build");
    assertThat(last.quarantineEvidence()).isNull();

    e =
        apply(
            e,
            rollbackReport(last, LifecycleInput.ActuationOutcome.APPLIED, "traffic 100% stable"));
    assertThat(e.phase()).isEqualTo(Phase.ABORTED);
  }

  @Test
  @DisplayName("a silent step is flagged once as held, and a new window clears the flag")
  void silenceIsFlaggedOnce() {
    Experiment e = started();
    Decision early = CORE.decide(e, new LifecycleInput.CheckSilence(), T0.plusSeconds(10));
    Decision late = CORE.decide(e, new LifecycleInput.CheckSilence(), T0.plusSeconds(60));
    Decision again =
        CORE.decide(late.after(), new LifecycleInput.CheckSilence(), T0.plusSeconds(90));
    Experiment heard =
        CORE.decide(late.after(), observe(canary(0, 5, 1, 0, 1)), T0.plusSeconds(95)).after();

    assertThat(early.changed()).isFalse();
    assertThat(late.after().silent()).isTrue();
    assertThat(late.judgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(late.judgment().checks()).extracting(Check::name).containsExactly(Check.SILENCE);
    assertThat(again.changed()).isFalse();
    assertThat(heard.silent()).isFalse();
  }

  @Test
  @DisplayName(
      "the same input on the same state always yields the same decision, with unique command ids")
  void decisionsAreDeterministic() {
    Experiment e = feed(started(), 0, 1, 100, 0, 250);
    LifecycleInput window = observe(canary(5, 5, 100, 0, 250));

    assertThat(CORE.decide(e, window, T0)).isEqualTo(CORE.decide(e, window, T0));
    feed(e, 5, 20, 100, 0, 250);
    Set<String> ids = new HashSet<>();
    commands().forEach(c -> assertThat(ids.add(c.id())).as("unique id %s", c.id()).isTrue());
  }
}
