package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.WindowSample;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A window counts for a step only for its part after the step's traffic shift plus the settle time:
 * wholly before is not judged, straddling counts pro rata, wholly after counts whole.
 */
class EvidenceBoundaryTest {

  private static final Duration SETTLE = Duration.ofSeconds(5);

  @Test
  @DisplayName("a window ending before the shift is not admitted to the step")
  void aWindowEndingBeforeTheShiftIsNotAdmitted() {
    StepProgress step = StepProgress.startingAt(T0.plusSeconds(30), Duration.ZERO);

    assertThat(step.admits(canary(0, 20, 100, 0, 200))).isFalse();
  }

  @Test
  @DisplayName("a window ending exactly at the boundary is not admitted to the step")
  void aWindowEndingExactlyAtTheBoundaryIsNotAdmitted() {
    StepProgress step = StepProgress.startingAt(T0.plusSeconds(30), Duration.ZERO);

    assertThat(step.admits(canary(0, 30, 100, 0, 200))).isFalse();
  }

  @Test
  @DisplayName(
      "a 60 s window shifted at +30 s counts half its requests and errors and 30 s observed; the rest is kept as excluded")
  void aWindowStraddlingTheShiftCountsItsLaterHalf() {
    StepProgress step = StepProgress.startingAt(T0.plusSeconds(30), Duration.ZERO);
    HealthWindow window = canary(0, 60, 100, 10, 200);

    assertThat(step.admits(window)).isTrue();
    StepProgress after = step.add(window);

    assertThat(after.requests()).isEqualTo(50);
    assertThat(after.errors()).isEqualTo(5);
    assertThat(after.observed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(after.firstWindowStart()).isEqualTo(T0.plusSeconds(30));
    assertThat(after.shift().excludedRequests()).isEqualTo(50);
    assertThat(after.shift().excludedErrors()).isEqualTo(5);
    WindowSample stored = after.samples().canary().get(0);
    assertThat(stored.start()).isEqualTo(T0.plusSeconds(30));
    assertThat(stored.requests()).isEqualTo(50);
    assertThat(stored.errors()).isEqualTo(5);
  }

  @Test
  @DisplayName("a straddling window never counts more errors than counted requests")
  void aStraddlingWindowsErrorsAreCappedByItsCountedRequests() {
    StepProgress step = StepProgress.startingAt(T0.plusSeconds(50), Duration.ZERO);

    StepProgress after = step.add(canary(0, 60, 7, 7, 200));

    assertThat(after.requests()).isEqualTo(1);
    assertThat(after.errors()).isEqualTo(1);
    assertThat(after.shift().excludedRequests()).isEqualTo(6);
  }

  @Test
  @DisplayName("a window wholly after the boundary counts whole and excludes nothing")
  void aWindowWhollyAfterTheBoundaryCountsWhole() {
    StepProgress step = StepProgress.startingAt(T0.plusSeconds(30), Duration.ZERO);

    StepProgress after = step.add(canary(30, 10, 100, 3, 200));

    assertThat(after.requests()).isEqualTo(100);
    assertThat(after.errors()).isEqualTo(3);
    assertThat(after.observed()).isEqualTo(Duration.ofSeconds(10));
    assertThat(after.shift().excludedRequests()).isZero();
  }

  @Test
  @DisplayName("the settle time moves the boundary past the shift")
  void settleTimeMovesTheBoundary() {
    StepProgress step = StepProgress.startingAt(T0, Duration.ofSeconds(10));

    assertThat(step.boundary()).isEqualTo(T0.plusSeconds(10));
    assertThat(step.admits(canary(0, 10, 100, 0, 200))).isFalse();
    StepProgress after = step.add(canary(5, 10, 100, 4, 200));
    assertThat(after.requests()).isEqualTo(50);
    assertThat(after.errors()).isEqualTo(2);
    assertThat(after.observed()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  @DisplayName(
      "step 2 counts from the last counted window of step 1 plus the settle time; a window ending before that is refused, naming the shift and the settle")
  void stepTwoStartsAtTheLastCountedWindowPlusSettle() {
    Policy policy =
        Fixtures.SECONDS.withAnalysis(
            Analysis.DEFAULT.withSequential(false).withSettleTime(SETTLE));
    Experiment e = started(policy);
    // Step 1 of this live stream counts from the submission (T0) plus the settle time: T0 + 5 s.
    for (int i = 5; i < 15; i++) {
      e = CORE.decide(e, observe(canary(i, 1, 100, 0, 200)), T0.plusSeconds(i + 1)).after();
    }
    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(e.progress().boundary()).isEqualTo(T0.plusSeconds(20));
    assertThat(e.progress().shift().appliedAt()).isEqualTo(T0.plusSeconds(15));

    Decision early = CORE.decide(e, observe(canary(17, 3, 100, 100, 200)), T0.plusSeconds(25));
    assertThat(early.refusal().code()).isEqualTo(Refusal.WINDOW_BEFORE_STEP);
    assertThat(early.refusal().message()).contains("settle time PT5S");

    Experiment straddled =
        CORE.decide(e, observe(canary(18, 4, 100, 0, 200)), T0.plusSeconds(25)).after();
    assertThat(straddled.progress().requests()).isEqualTo(50);
    assertThat(straddled.progress().observed()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  @DisplayName("with no settle time, step 2 counts from the last counted window of step 1")
  void withoutSettleTimeStepTwoStartsWhereStepOneEnded() {
    Experiment e = started(Fixtures.SECONDS);
    for (int i = 0; i < 10; i++) {
      e = CORE.decide(e, observe(canary(i, 1, 100, 0, 200)), T0.plusSeconds(i + 1)).after();
    }

    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(e.progress().boundary()).isEqualTo(T0.plusSeconds(10));
  }

  @Test
  @DisplayName(
      "step 1 of a live stream counts from the submission: a 60 s window covering the 30 s before it counts its later half")
  void stepOneOfALiveStreamCountsFromTheSubmission() {
    Experiment e = submittedAt(Fixtures.SECONDS, T0.plusSeconds(30));
    assertThat(e.progress().shift().timeline()).isEqualTo(StepProgress.Timeline.PENDING);

    Decision d = CORE.decide(e, observe(canary(0, 60, 100, 10, 200)), T0.plusSeconds(61));

    assertThat(d.refusal()).isNull();
    StepProgress progress = d.after().progress();
    assertThat(progress.shift().timeline()).isEqualTo(StepProgress.Timeline.LIVE);
    assertThat(progress.boundary()).isEqualTo(T0.plusSeconds(30));
    assertThat(progress.requests()).isEqualTo(50);
    assertThat(progress.errors()).isEqualTo(5);
    assertThat(progress.observed()).isEqualTo(Duration.ofSeconds(30));
    assertThat(progress.shift().excludedRequests()).isEqualTo(50);
  }

  @Test
  @DisplayName(
      "once step 1 is live, a late window ending before the submission is refused, naming the shift")
  void aLateWindowBeforeTheSubmissionIsRefusedOnceLive() {
    Experiment e = submittedAt(Fixtures.SECONDS, T0.plusSeconds(30));
    e = CORE.decide(e, observe(canary(30, 5, 100, 0, 200)), T0.plusSeconds(36)).after();

    Decision late = CORE.decide(e, observe(canary(0, 30, 100, 50, 200)), T0.plusSeconds(37));

    assertThat(late.refusal().code()).isEqualTo(Refusal.WINDOW_BEFORE_STEP);
    assertThat(late.refusal().message())
        .contains("traffic shifted at " + T0.plusSeconds(30), "live stream");
    assertThat(late.after().progress().requests()).isEqualTo(100);
  }

  @Test
  @DisplayName("a settle time on step 1 leaves out the first seconds after the submission")
  void settleTimeOnStepOne() {
    Experiment e =
        submittedAt(Fixtures.SECONDS.withAnalysis(Analysis.DEFAULT.withSettleTime(SETTLE)), T0);

    Decision inSettle = CORE.decide(e, observe(canary(0, 5, 100, 100, 200)), T0.plusSeconds(6));
    assertThat(inSettle.refusal().code()).isEqualTo(Refusal.WINDOW_BEFORE_STEP);
    Experiment after =
        CORE.decide(inSettle.after(), observe(canary(0, 10, 100, 0, 200)), T0.plusSeconds(11))
            .after();
    assertThat(after.progress().boundary()).isEqualTo(T0.plusSeconds(5));
    assertThat(after.progress().requests()).isEqualTo(50);
  }

  @Test
  @DisplayName(
      "a stream recorded before the submission (its first canary window ends before it) is judged on its own timeline, whole")
  void aReplayedStreamIsJudgedOnItsOwnTimeline() {
    Experiment e = submittedAt(Fixtures.SECONDS, T0.plusSeconds(600));
    for (int i = 0; i < 3; i++) {
      Decision d = CORE.decide(e, observe(canary(i, 1, 100, 0, 200)), T0.plusSeconds(601 + i));
      assertThat(d.refusal()).isNull();
      e = d.after();
    }

    assertThat(e.progress().shift().timeline()).isEqualTo(StepProgress.Timeline.REPLAYED);
    assertThat(e.progress().boundary()).isNull();
    assertThat(e.progress().requests()).isEqualTo(300);
    assertThat(e.progress().observed()).isEqualTo(Duration.ofSeconds(3));
  }

  private static Experiment submittedAt(Policy policy, Instant at) {
    Experiment e =
        Experiment.submitted("exp-1", "checkout", "shop", Fixtures.CANDIDATE, policy, "v1", at);
    return CORE.decide(e, new LifecycleInput.Submit(null), at).after();
  }

  private static Experiment started(Policy policy) {
    Experiment e =
        Experiment.submitted("exp-1", "checkout", "shop", Fixtures.CANDIDATE, policy, "v1", T0);
    return CORE.decide(e, new LifecycleInput.Submit(null), T0).after();
  }
}
