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
    for (int i = 0; i < 10; i++) {
      e = CORE.decide(e, observe(canary(i, 1, 100, 0, 200)), T0.plusSeconds(i + 1)).after();
    }
    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(e.progress().boundary()).isEqualTo(T0.plusSeconds(15));
    assertThat(e.progress().shift().appliedAt()).isEqualTo(T0.plusSeconds(10));

    Decision early = CORE.decide(e, observe(canary(12, 3, 100, 100, 200)), T0.plusSeconds(20));
    assertThat(early.refusal().code()).isEqualTo(Refusal.WINDOW_BEFORE_STEP);
    assertThat(early.refusal().message()).contains("settle time PT5S");

    Experiment straddled =
        CORE.decide(e, observe(canary(13, 4, 100, 0, 200)), T0.plusSeconds(20)).after();
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

  private static Experiment started(Policy policy) {
    Experiment e =
        Experiment.submitted("exp-1", "checkout", "shop", Fixtures.CANDIDATE, policy, "v1", T0);
    return CORE.decide(e, new LifecycleInput.Submit(null), T0).after();
  }
}
