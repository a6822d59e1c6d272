package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.Classification;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Verdict;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The anytime-valid tests through the core, with 1 s windows on {@link Fixtures#SECONDS} (10 s
 * steps, 2% SLO, confidence 0.98: each e-process fails at 1/α_e = 450, ln 450 = 6.109). The
 * expected ln e-values are computed by hand from docs/judgment.md's formulas.
 */
class SequentialJudgmentTest {

  private static final double CROSS = Math.log(450);

  private final List<Judgment> judgments = new ArrayList<>();

  /** A baseline window (when {@code baseline} is non-null) then the canary's, one second each. */
  private Experiment second(Experiment e, long at, long[] canary, long[] baseline) {
    if (baseline != null) {
      e =
          decide(
              e,
              Fixtures.window(
                  HealthWindow.Track.BASELINE, "v1", at, 1, baseline[0], baseline[1], baseline[2]));
    }
    return decide(e, canary(at, 1, canary[0], canary[1], canary[2]));
  }

  private Experiment decide(Experiment e, HealthWindow window) {
    Decision d = CORE.decide(e, observe(window), T0.plusSeconds(100));
    assertThat(d.refusal()).isNull();
    if (d.judgment() != null) {
      judgments.add(d.judgment());
    }
    return d.after();
  }

  private static Experiment started(Policy policy) {
    Experiment e =
        Experiment.submitted("exp-1", "checkout", "shop", Fixtures.CANDIDATE, policy, "v1", T0);
    return CORE.decide(e, new LifecycleInput.Submit(null), T0).after();
  }

  private Judgment last() {
    return judgments.get(judgments.size() - 1);
  }

  private static Check check(Judgment j, String name) {
    return j.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  private static double logE(Judgment j, String name) {
    return Math.log(check(j, name).observed());
  }

  @Test
  @DisplayName(
      "a fivefold error rate (15 vs 3 per 1000) crosses the anytime test at the fifth window and fails before the minimum duration")
  void aFivefoldErrorRateFailsAtTheFifthWindowBeforeTheMinimumDuration() {
    Experiment e = started(Fixtures.SECONDS);
    double[] expected = {1.095, 2.571, 4.053, 5.536, 7.019};
    for (int i = 0; i < 5; i++) {
      e = second(e, i, new long[] {1000, 15, 250}, new long[] {1000, 3, 250});
      assertThat(logE(last(), Check.ERROR_RATE_SEQUENTIAL))
          .as("ln e after window %d", i + 1)
          .isCloseTo(expected[i], within(2e-3));
      if (i < 4) {
        assertThat(last().verdict()).isEqualTo(Verdict.IN_PROGRESS);
        assertThat(last().summary()).contains("anytime tests: errors e=", "(fail at 450)");
      }
    }

    Judgment j = last();
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(j.progress().observed()).isEqualTo(Duration.ofSeconds(5));
    Check crossed = check(j, Check.ERROR_RATE_SEQUENTIAL);
    assertThat(crossed.classification()).isEqualTo(Classification.HIGH);
    assertThat(crossed.threshold()).isCloseTo(450, within(1e-9));
    assertThat(crossed.test().test()).isEqualTo("msprt-conditional-binomial");
    assertThat(crossed.test().alpha()).isCloseTo(0.02 / 9, within(1e-12));
    assertThat(crossed.test().to()).isEqualTo(T0.plusSeconds(5));
    assertThat(crossed.test().dispersion()).isCloseTo(8.0 / 7, within(1e-9));
    assertThat(j.summary())
        .contains(
            "step 1 at 10% failed early",
            "error rate, anytime test: e-value 1117 ≥ 450 (1/α, α 0.0022) at window 5 of step 1",
            "→ HIGH");
    assertThat(j.failedChecks()).extracting(Check::name).contains(Check.ERROR_RATE_SEQUENTIAL);
  }

  @Test
  @DisplayName(
      "a canary at twice the error SLO (40 per 1000) with no baseline crosses the SLO anytime test at the third window")
  void aCanaryAtTwiceTheSloFailsAtTheThirdWindowWithoutABaseline() {
    Experiment e = started(Fixtures.SECONDS);
    for (int i = 0; i < 3; i++) {
      e = second(e, i, new long[] {1000, 40, 250}, null);
      assertThat(logE(last(), Check.ERROR_RATE_SLO_SEQUENTIAL))
          .isCloseTo(2.776 * (i + 1), within(3e-3));
    }

    assertThat(last().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(check(last(), Check.ERROR_RATE_SLO_SEQUENTIAL).explanation())
        .contains("at window 3 of step 1");
    assertThat(check(last(), Check.ERROR_RATE_SEQUENTIAL).classification())
        .as("no baseline: nothing to compare")
        .isEqualTo(Classification.NODATA);
  }

  @Test
  @DisplayName(
      "a canary like its baseline is never failed early, stays in progress through window 9 and passes at the minimum duration")
  void aCanaryLikeItsBaselineIsNeverFailedEarlyAndPassesAtTheMinimumDuration() {
    Experiment e = started(Fixtures.SECONDS);
    for (int i = 0; i < 10; i++) {
      e = second(e, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
      if (i < 9) {
        assertThat(last().verdict()).as("window %d", i + 1).isEqualTo(Verdict.IN_PROGRESS);
      }
    }

    assertThat(last().verdict()).isEqualTo(Verdict.PASS);
    assertThat(e.stepIndex()).isEqualTo(1);
    // One bet at 2.2× on the first window (k = 2, w = 1/2): 0.5 × (ln(0.6875/0.5238) +
    // ln(0.3125/0.4762)); then the estimate is 1 < 1.25 × 1.1 and it stops betting.
    assertThat(logE(last(), Check.ERROR_RATE_SEQUENTIAL)).isCloseTo(-0.0747, within(1e-3));
    assertThat(last().checks().stream().filter(c -> c.name().endsWith("-sequential")))
        .allMatch(Check::passed);
  }

  @Test
  @DisplayName(
      "a doubled p95 crosses the p95 anytime test at the tenth window, not earlier (30 s steps)")
  void aDoublingOfP95CrossesAtTheTenthWindowNotEarlier() {
    Policy slow =
        new Policy(
            List.of(
                new CanaryStep(10, Duration.ofSeconds(30)),
                new CanaryStep(100, Duration.ofSeconds(30))),
            Fixtures.SECONDS.slo(),
            100,
            Duration.ofSeconds(30));
    Experiment e = started(slow);
    for (int i = 0; i < 9; i++) {
      e = second(e, i, new long[] {100, 0, 400}, new long[] {100, 0, 200});
    }
    // ln 1.5 on the first bet (stake 0.5), then ln 1.95 per window at stake 0.95.
    assertThat(last().verdict()).isEqualTo(Verdict.IN_PROGRESS);
    assertThat(logE(last(), Check.P95_LATENCY_SEQUENTIAL)).isCloseTo(5.748, within(1e-3));

    e = second(e, 9, new long[] {100, 0, 400}, new long[] {100, 0, 200});

    assertThat(logE(last(), Check.P95_LATENCY_SEQUENTIAL)).isCloseTo(6.416, within(1e-3));
    assertThat(logE(last(), Check.P95_LATENCY_SEQUENTIAL)).isGreaterThan(CROSS);
    assertThat(last().verdict()).isEqualTo(Verdict.FAIL);
    Check p95 = check(last(), Check.P95_LATENCY_SEQUENTIAL);
    assertThat(p95.test().test()).isEqualTo("betting-log-p95-ratio");
    assertThat(p95.test().ratio()).isCloseTo(2.0, within(1e-9));
    assertThat(p95.explanation()).contains("at window 10 of step 1");
  }

  @Test
  @DisplayName(
      "an error rate over the SLO that the exact test cannot prove (200/5 a window) is held, then inconclusive at the deadline")
  void anUnprovenErrorSloBreachIsHeldThenInconclusive() {
    Experiment e = started(Fixtures.SECONDS);
    for (int i = 0; i < 20 && e.phase() == Phase.CANARY; i++) {
      e = second(e, i, new long[] {200, 5, 250}, null);
      if (i == 9) {
        // P(X ≥ 50 | 2000, 0.02) = 0.068.
        assertThat(last().verdict()).isEqualTo(Verdict.HOLD);
        assertThat(last().summary()).contains("not yet significant (exact binomial p=0.068");
      }
    }

    assertThat(e.phase()).isEqualTo(Phase.PAUSED);
    assertThat(last().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(last().summary()).contains("exact binomial p=0.016");
  }

  @Test
  @DisplayName(
      "an error rate over the SLO that the exact test proves fails: 15/300 (p 0.00123) at the third 5 s window")
  void aProvenErrorSloBreachFails() {
    Experiment e = started(Fixtures.SECONDS);
    e = decide(e, canary(0, 5, 100, 5, 250));
    e = decide(e, canary(5, 5, 100, 5, 250));
    assertThat(last().verdict()).as("10/200: p 0.0075").isEqualTo(Verdict.HOLD);

    e = decide(e, canary(10, 5, 100, 5, 250));

    assertThat(last().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(last().failedChecks()).extracting(Check::name).contains(Check.ERROR_RATE);
  }

  @Test
  @DisplayName(
      "with sequential off the judge is issue 4's: no anytime checks, no early failure, α over 2 metrics")
  void sequentialOffReproducesTheIssue4Judge() {
    Policy issue4 = Fixtures.SECONDS.withAnalysis(Analysis.DEFAULT.withSequential(false));
    Experiment e = started(issue4);
    for (int i = 0; i < 10; i++) {
      e = second(e, i, new long[] {1000, 15, 250}, new long[] {1000, 3, 250});
      if (i < 9) {
        assertThat(last().verdict()).isEqualTo(Verdict.IN_PROGRESS);
        assertThat(last().summary()).doesNotContain("anytime");
      }
    }

    assertThat(last().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(last().checks()).noneMatch(c -> c.name().endsWith("-sequential"));
    assertThat(check(last(), Check.ERROR_RATE_COMPARISON).test().alpha())
        .isCloseTo(0.02 / 6, within(1e-12));
    assertThat(last().summary()).contains("α 0.0033 per comparison");
  }

  @Test
  @DisplayName("a crossing is a failure that failureLimit tolerates: held once, then failed")
  void aToleratedCrossingIsHeldUnderFailureLimit() {
    Policy tolerant =
        Fixtures.SECONDS.withAnalysis(
            new Analysis(0.98, 0.1, 0.1, 95, 75, 5, 3, null, Analysis.OnInconclusive.PAUSE, 1));
    Experiment e = started(tolerant);
    for (int i = 0; i < 5; i++) {
      e = second(e, i, new long[] {1000, 15, 250}, new long[] {1000, 3, 250});
    }
    assertThat(last().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(last().summary()).contains("failed early", "failure 1 of 1 tolerated");

    e = second(e, 5, new long[] {1000, 15, 250}, new long[] {1000, 3, 250});

    assertThat(last().verdict()).isEqualTo(Verdict.FAIL);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
  }

  /** One 10 s step at 100%, the power to detect 3× required; {@code extension} past it. */
  private static Policy finalStepOnly(Duration extension, Analysis.OnInconclusive onInconclusive) {
    return new Policy(
            List.of(new CanaryStep(100, Duration.ofSeconds(10))),
            Fixtures.SECONDS.slo(),
            100,
            Duration.ofSeconds(30))
        .withAnalysis(
            new Analysis(0.98, 0.1, 0.1, 95, 75, 5, 3, extension, onInconclusive, 0)
                .withPower(3, true));
  }

  @Test
  @DisplayName(
      "a final step at 100 requests a window that would pass at 10 s is held while it lacks the power to detect 3× the baseline's errors, then promoted once it has it")
  void aSmallFinalStepIsHeldWithNeedsAboutNMoreSeconds() {
    Experiment e = started(finalStepOnly(Duration.ofSeconds(30), null));
    for (int i = 0; i < 10; i++) {
      e = second(e, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
    }

    Judgment held = last();
    assertThat(held.verdict()).isEqualTo(Verdict.HOLD);
    assertThat(held.summary())
        .contains(
            "holding before promotion, to detect 3× the baseline's error rate it needs about",
            "more seconds",
            "canary requests) at this traffic");
    Check power = check(held, Check.ERROR_RATE_POWER);
    assertThat(power.passed()).isFalse();
    assertThat(power.observed()).isLessThan(power.threshold());
    assertThat(power.threshold()).isCloseTo(450, within(1e-6));

    for (int i = 10; i < 40 && e.phase() == Phase.CANARY; i++) {
      e = second(e, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
    }
    assertThat(e.phase()).isEqualTo(Phase.PROMOTED);
    Check reached = check(last(), Check.ERROR_RATE_POWER);
    assertThat(reached.passed()).isTrue();
    assertThat(reached.observed()).isGreaterThanOrEqualTo(450);
    assertThat(last().progress().observed()).isLessThanOrEqualTo(Duration.ofSeconds(40));
  }

  @Test
  @DisplayName(
      "a final step that cannot reach the power within its extension is paused at once with that reason, or failed when onInconclusive says fail")
  void aFinalStepThatCannotReachPowerPausesOrFailsAsOnInconclusiveSays() {
    Experiment paused = started(finalStepOnly(Duration.ofSeconds(2), null));
    for (int i = 0; i < 10; i++) {
      paused = second(paused, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
    }
    assertThat(paused.phase()).isEqualTo(Phase.PAUSED);
    assertThat(last().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
    assertThat(last().summary())
        .contains(
            "cannot reach the power to detect 3× the baseline's error rate before promoting",
            "the extension allows 2s more",
            "paused for a human");

    Experiment failed = started(finalStepOnly(Duration.ofSeconds(2), Analysis.OnInconclusive.FAIL));
    for (int i = 0; i < 10; i++) {
      failed = second(failed, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
    }
    assertThat(failed.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(last().summary()).contains("onInconclusive: fail");
  }

  @Test
  @DisplayName(
      "without requirePower the estimate is shown while in progress but never holds a promotion")
  void thePowerEstimateAloneNeverHoldsAPromotion() {
    Policy shown =
        new Policy(
                List.of(new CanaryStep(100, Duration.ofSeconds(10))),
                Fixtures.SECONDS.slo(),
                100,
                Duration.ofSeconds(30))
            .withAnalysis(Analysis.DEFAULT);
    Experiment e = started(shown);
    for (int i = 0; i < 10; i++) {
      e = second(e, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
      if (i == 4) {
        assertThat(last().summary()).contains("to detect 3× the baseline's error rate it needs");
      }
    }

    assertThat(e.phase()).isEqualTo(Phase.PROMOTED);
    assertThat(check(last(), Check.ERROR_RATE_POWER).passed()).isFalse();
  }

  @Test
  @DisplayName("a detectable ratio of 0 turns the power estimate off: no check, no sentence")
  void aDetectableRatioOfZeroTurnsTheEstimateOff() {
    Experiment e = started(Fixtures.SECONDS.withAnalysis(Analysis.DEFAULT.withPower(0, true)));
    for (int i = 0; i < 3; i++) {
      e = second(e, i, new long[] {100, 1, 250}, new long[] {100, 1, 250});
    }

    assertThat(last().checks()).noneMatch(c -> c.name().equals(Check.ERROR_RATE_POWER));
    assertThat(last().summary()).doesNotContain("to detect");
  }

  @Test
  @DisplayName(
      "errors in one window of three (30 per 1000 against a steady 3) fail at the step end on the reference's scatter; issue 4's pooled test lets them through")
  void anIntermittentRegressionFailsOnTheReferencesScatter() {
    Experiment e = started(Fixtures.SECONDS);
    for (int i = 0; i < 10 && e.phase() == Phase.CANARY; i++) {
      e = second(e, i, new long[] {1000, i % 3 == 0 ? 30 : 3, 250}, new long[] {1000, 3, 250});
    }

    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    Check comparison = check(last(), Check.ERROR_RATE_COMPARISON);
    assertThat(comparison.classification()).isEqualTo(Classification.HIGH);
    // The reference scatters like a binomial (φ 1 even at its upper bound): a z-test on it.
    assertThat(comparison.test().test()).as(last().summary()).isEqualTo("two-proportion-z");
    assertThat(comparison.explanation()).contains("dispersion 1.00");

    judgments.clear();
    Experiment issue4 =
        started(Fixtures.SECONDS.withAnalysis(Analysis.DEFAULT.withSequential(false)));
    for (int i = 0; i < 10; i++) {
      issue4 =
          second(issue4, i, new long[] {1000, i % 3 == 0 ? 30 : 3, 250}, new long[] {1000, 3, 250});
    }
    assertThat(issue4.phase()).as(last().summary()).isNotEqualTo(Phase.ROLLING_BACK);
    assertThat(check(last(), Check.ERROR_RATE_COMPARISON).classification())
        .isNotEqualTo(Classification.HIGH);
  }
}
