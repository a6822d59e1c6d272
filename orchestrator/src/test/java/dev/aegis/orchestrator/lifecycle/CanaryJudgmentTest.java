package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.Classification;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.StepEvidence;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.judgment.WindowSample;
import dev.aegis.orchestrator.judgment.stats.TestResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The judge through the core: absolute SLO, comparison with the baseline (or stable) track, score,
 * severe breaches, extension and inconclusive steps, chaos. Steps of {@link Fixtures#SECONDS} last
 * 10 s; windows here are 1 s, so a step is judged on 10 canary windows and 10 reference windows.
 */
class CanaryJudgmentTest {

  private static final HealthWindow.Track BASELINE = HealthWindow.Track.BASELINE;
  private static final HealthWindow.Track STABLE = HealthWindow.Track.STABLE;

  private final List<Decision> decisions = new ArrayList<>();

  private Experiment apply(Experiment e, LifecycleInput input) {
    Decision d = CORE.decide(e, input, T0.plusSeconds(decisions.size()));
    assertThat(d.refusal()).isNull();
    decisions.add(d);
    return d.after();
  }

  private Experiment started(Policy policy) {
    Experiment e = Fixtures.submitted();
    e =
        new Experiment(
            e.id(),
            e.service(),
            e.namespace(),
            e.candidate(),
            policy,
            e.phase(),
            0,
            e.progress(),
            null,
            e.productionVersion(),
            0,
            T0,
            null,
            null,
            false,
            Actuation.NONE);
    return apply(e, new LifecycleInput.Submit(null));
  }

  private Experiment started() {
    return started(Fixtures.SECONDS);
  }

  /** Traffic of one track for one second. */
  private record Load(long requests, long errors, double p95) {}

  /**
   * From {@code offset}, one second at a time while the experiment is in CANARY on its first step:
   * a reference window on {@code track} (unless null), then the canary's.
   */
  private Experiment run(
      Experiment e, long offset, int seconds, Load canary, HealthWindow.Track track, Load ref) {
    for (int i = 0; i < seconds && e.phase() == Phase.CANARY && e.stepIndex() == 0; i++) {
      if (track != null) {
        e =
            apply(
                e,
                observe(
                    Fixtures.window(
                        track, "v1", offset + i, 1, ref.requests, ref.errors, ref.p95)));
      }
      e = apply(e, observe(canary(offset + i, 1, canary.requests, canary.errors, canary.p95)));
    }
    return e;
  }

  private Judgment lastJudgment() {
    for (int i = decisions.size() - 1; i >= 0; i--) {
      if (decisions.get(i).judgment() != null) {
        return decisions.get(i).judgment();
      }
    }
    throw new AssertionError("no judgment");
  }

  private static Check check(Judgment j, String name) {
    return j.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName(
      "a canary like its baseline passes with score 100, every comparison PASS, the test named")
  void likeItsBaselinePasses() {
    Experiment e = run(started(), 0, 10, new Load(100, 1, 250), BASELINE, new Load(100, 1, 250));

    Judgment j = lastJudgment();
    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.comparedWith()).isEqualTo("baseline");
    assertThat(j.score().value()).isEqualTo(100.0);
    assertThat(check(j, Check.ERROR_RATE_COMPARISON).classification())
        .isEqualTo(Classification.PASS);
    assertThat(check(j, Check.ERROR_RATE_COMPARISON).test().test())
        .isEqualTo(TestResult.TWO_PROPORTION_Z);
    assertThat(check(j, Check.P95_LATENCY_COMPARISON).classification())
        .isEqualTo(Classification.PASS);
    assertThat(check(j, Check.P95_LATENCY_COMPARISON).test().canaryWindows()).isEqualTo(10);
    assertThat(check(j, Check.P95_LATENCY_COMPARISON).test().baselineWindows()).isEqualTo(10);
    assertThat(j.summary()).contains("score 100 ≥ 95 against baseline");
  }

  @Test
  @DisplayName(
      "an error rate within the SLO but significantly above the baseline's is HIGH: score 50 < 75 → FAIL")
  void errorRateAboveBaselineFails() {
    Experiment e = run(started(), 0, 10, new Load(100, 1, 250), BASELINE, new Load(100, 0, 250));

    Judgment j = lastJudgment();
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(j.verdict()).isEqualTo(Verdict.FAIL);
    assertThat(check(j, Check.ERROR_RATE).passed()).as("1% is within the 2% SLO").isTrue();
    Check compared = check(j, Check.ERROR_RATE_COMPARISON);
    assertThat(compared.classification()).isEqualTo(Classification.HIGH);
    assertThat(compared.observed()).isEqualTo(0.01);
    assertThat(compared.baseline()).isEqualTo(0.0);
    // 10/1000 vs 0/1000 against H0: canary <= 1.1 x baseline, Farrington-Manning z = 3.0223,
    // one-sided
    // p = 0.00125 (SciPy 1.17.1, restricted MLE checked by scipy.optimize); below the step-end
    // share α = (0.02 × 2/3) / (3 steps × 3 step-end tests) = 0.00148 (a third of 0.02 goes to the
    // anytime tests).
    assertThat(compared.test().statistic()).isCloseTo(3.0223, Assertions.within(1e-4));
    assertThat(compared.test().pValue()).isCloseTo(0.00125, Assertions.within(1e-5));
    assertThat(compared.test().alpha()).isCloseTo((0.02 * 2 / 3) / 9, Assertions.within(1e-12));
    assertThat(compared.test().dispersion())
        .as("identical windows: no scatter beyond the binomial")
        .isEqualTo(1.0);
    assertThat(compared.test().direction()).isEqualTo("higher");
    assertThat(j.score().value()).isEqualTo(50.0);
    assertThat(j.failedChecks())
        .extracting(Check::name)
        .containsExactly(Check.ERROR_RATE_COMPARISON);
    assertThat(j.summary())
        .contains(
            "error rate 1.00% vs baseline 0.00% (10 + 10 windows, dispersion 1.00): higher with p=0.0013",
            "two-proportion-z, confidence 0.98, α 0.0015 per step-end test",
            "→ HIGH",
            "score 50 < 75 → FAIL");
  }

  @Test
  @DisplayName(
      "calm windows: 1.5% vs 0.9% over 10 000 requests each is HIGH (z-test, dispersion 1)")
  void calmErrorIncreaseIsHigh() {
    Experiment e = run(started(), 0, 10, new Load(1000, 15, 250), BASELINE, new Load(1000, 9, 250));

    Check compared = check(lastJudgment(), Check.ERROR_RATE_COMPARISON);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(compared.classification()).isEqualTo(Classification.HIGH);
    assertThat(compared.test().test()).isEqualTo(TestResult.TWO_PROPORTION_Z);
    // Farrington-Manning, H0: canary <= 1.1 × baseline: z = 3.1576, p = 0.00080 (SciPy 1.17.1).
    assertThat(compared.test().pValue()).isCloseTo(0.000795, Assertions.within(1e-5));
  }

  @Test
  @DisplayName(
      "bursty windows with the same totals (1.5% vs 0.9%) are not HIGH: the dispersion of the windows "
          + "inflates the variance and the quasi-binomial t-test finds no significant increase")
  void burstyErrorsAreJudgedOnTheirScatter() {
    Experiment e = started();
    for (int i = 0; i < 10; i++) {
      e = apply(e, observe(Fixtures.window(BASELINE, "v1", i, 1, 1000, i % 2 == 0 ? 1 : 17, 250)));
      e = apply(e, observe(canary(i, 1, 1000, i % 2 == 0 ? 3 : 27, 250)));
    }

    Check compared = check(lastJudgment(), Check.ERROR_RATE_COMPARISON);
    assertThat(e.stepIndex()).as("the step passed").isEqualTo(1);
    assertThat(compared.classification()).isEqualTo(Classification.PASS);
    assertThat(compared.test().test()).isEqualTo(TestResult.QUASI_BINOMIAL_T);
    // Pearson χ² 169.22 on 18 df: φ = 9.401; t = 1.0298, P(T_18 >= t) = 0.1584 (SciPy 1.17.1).
    assertThat(compared.test().dispersion()).isCloseTo(9.401, Assertions.within(1e-3));
    assertThat(compared.test().statistic()).isCloseTo(1.0298, Assertions.within(1e-4));
    assertThat(compared.test().pValue()).isCloseTo(0.1584, Assertions.within(1e-4));
    assertThat(compared.explanation()).contains("dispersion 9.40", "quasi-binomial-t");
  }

  @Test
  @DisplayName(
      "the rollout's α is shared out over steps × metrics: p = 0.0076 would be HIGH at 0.02, "
          + "but not at 0.02 / 6")
  void significanceIsSharedOutOverTheRollout() {
    Policy issue4 = Fixtures.SECONDS.withAnalysis(Analysis.DEFAULT.withSequential(false));
    Experiment e =
        run(started(issue4), 0, 10, new Load(1000, 15, 250), BASELINE, new Load(1000, 10, 250));

    Check compared = check(lastJudgment(), Check.ERROR_RATE_COMPARISON);
    assertThat(e.stepIndex()).isEqualTo(1);
    // Farrington-Manning, 150/10000 vs 100/10000, H0: canary <= 1.1 × baseline: p = 0.00761 (SciPy
    // 1.17.1).
    assertThat(compared.test().pValue()).isCloseTo(0.00761, Assertions.within(1e-5));
    assertThat(compared.test().pValue()).isBetween(0.02 / 6, 0.02);
    assertThat(compared.classification()).isEqualTo(Classification.PASS);

    Policy oneStep =
        new Policy(
            List.of(new CanaryStep(100, Duration.ofSeconds(10))),
            Fixtures.SECONDS.slo(),
            100,
            Duration.ofSeconds(30));
    decisions.clear();
    run(
        started(oneStep.withAnalysis(issue4.analysis())),
        0,
        10,
        new Load(1000, 15, 250),
        BASELINE,
        new Load(1000, 10, 250));
    assertThat(check(lastJudgment(), Check.ERROR_RATE_COMPARISON).test().alpha())
        .as("one step: 0.02 over 2 metrics")
        .isCloseTo(0.01, Assertions.within(1e-12));
    assertThat(check(lastJudgment(), Check.ERROR_RATE_COMPARISON).classification())
        .isEqualTo(Classification.HIGH);
  }

  @Test
  @DisplayName(
      "with the anytime tests on, one step shares two thirds of α over 3 step-end tests: p = 0.0076 is above 0.00444")
  void theAnytimeTestsTakeAThirdOfAlpha() {
    Policy oneStep =
        new Policy(
            List.of(new CanaryStep(100, Duration.ofSeconds(10))),
            Fixtures.SECONDS.slo(),
            100,
            Duration.ofSeconds(30));
    run(started(oneStep), 0, 10, new Load(1000, 15, 250), BASELINE, new Load(1000, 10, 250));

    Check compared = check(lastJudgment(), Check.ERROR_RATE_COMPARISON);
    assertThat(compared.test().alpha()).isCloseTo((0.02 * 2 / 3) / 3, Assertions.within(1e-12));
    assertThat(compared.test().pValue()).isCloseTo(0.00761, Assertions.within(1e-5));
    assertThat(compared.classification()).isEqualTo(Classification.PASS);
    assertThat(check(lastJudgment(), Check.ERROR_RATE_SEQUENTIAL).test().alpha())
        .isCloseTo(0.02 / 9, Assertions.within(1e-12));
  }

  @Test
  @DisplayName("a p95 within the SLO but twice the baseline's is HIGH by Mann-Whitney U and fails")
  void latencyAboveBaselineFails() {
    Experiment e = run(started(), 0, 10, new Load(100, 0, 400), BASELINE, new Load(100, 0, 200));

    Check compared = check(lastJudgment(), Check.P95_LATENCY_COMPARISON);
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(compared.classification()).isEqualTo(Classification.HIGH);
    assertThat(compared.test().test()).isEqualTo(TestResult.MANN_WHITNEY_NORMAL);
    assertThat(compared.test().statistic())
        .as("U: every canary window above every baseline window")
        .isEqualTo(100);
    assertThat(compared.test().ratio()).isEqualTo(2.0);
    assertThat(compared.explanation())
        .contains("p95 latency 400 ms vs baseline 200 ms (median of 10 + 10 windows)");
  }

  @Test
  @DisplayName("a canary faster than its baseline is LOW, which passes")
  void fasterThanBaselineIsLowAndPasses() {
    Experiment e = run(started(), 0, 10, new Load(100, 0, 200), BASELINE, new Load(100, 0, 400));

    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(check(lastJudgment(), Check.P95_LATENCY_COMPARISON).classification())
        .isEqualTo(Classification.LOW);
    assertThat(lastJudgment().score().value()).isEqualTo(100.0);
  }

  @Test
  @DisplayName(
      "a p95 only 5% above the baseline's is significant but within the 10% tolerance: PASS")
  void withinToleranceIsNotHigh() {
    Experiment e = run(started(), 0, 10, new Load(100, 0, 210), BASELINE, new Load(100, 0, 200));

    Check compared = check(lastJudgment(), Check.P95_LATENCY_COMPARISON);
    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(compared.classification()).isEqualTo(Classification.PASS);
    assertThat(compared.explanation()).contains("but within the tolerance");
  }

  @Test
  @DisplayName(
      "without baseline or stable windows the comparisons are NODATA, which never fails: judged on the SLO")
  void noReferenceIsNoData() {
    Experiment e = run(started(), 0, 10, new Load(100, 1, 250), null, null);

    Judgment j = lastJudgment();
    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(j.verdict()).isEqualTo(Verdict.PASS);
    assertThat(j.comparedWith()).isNull();
    assertThat(j.score().value()).isNull();
    assertThat(j.score().noData()).isEqualTo(2);
    assertThat(check(j, Check.ERROR_RATE_COMPARISON).classification())
        .isEqualTo(Classification.NODATA);
    assertThat(check(j, Check.ERROR_RATE_COMPARISON).passed()).isTrue();
    assertThat(j.summary()).contains("judged on the SLO alone");
  }

  @Test
  @DisplayName(
      "stable is the reference when no baseline reports; a reporting baseline takes precedence")
  void stableIsTheFallbackReference() {
    run(started(), 0, 10, new Load(100, 1, 250), STABLE, new Load(100, 1, 250));
    assertThat(lastJudgment().comparedWith()).isEqualTo("stable");

    decisions.clear();
    Experiment e = started();
    for (int i = 0; i < 10 && e.stepIndex() == 0; i++) {
      e = apply(e, observe(Fixtures.window(STABLE, "v1", i, 1, 100, 50, 250)));
      e = apply(e, observe(Fixtures.window(BASELINE, "v1", i, 1, 100, 1, 250)));
      e = apply(e, observe(canary(i, 1, 100, 1, 250)));
    }
    assertThat(lastJudgment().comparedWith()).isEqualTo("baseline");
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.PASS);
  }

  @Test
  @DisplayName(
      "baseline windows are evidence only: they neither advance the step's clock nor clear silence")
  void referenceWindowsDoNotAdvanceTheClock() {
    Experiment e = apply(started(), observe(canary(0, 5, 100, 0, 250)));
    Decision d =
        CORE.decide(
            e, observe(Fixtures.window(BASELINE, "v1", 0, 30, 100, 0, 250)), T0.plusSeconds(99));

    assertThat(d.changed()).isTrue();
    assertThat(d.judgment()).isNull();
    assertThat(d.transitions()).isEmpty();
    assertThat(d.after().progress().observed()).isEqualTo(Duration.ofSeconds(5));
    assertThat(d.after().progress().windows()).isEqualTo(1);
    assertThat(d.after().progress().samples().baseline()).hasSize(1);
    assertThat(d.after().lastWindowAt()).isEqualTo(e.lastWindowAt());
  }

  @Test
  @DisplayName("comparison windows past the step's end carry over to the next step")
  void referenceWindowsCarryOver() {
    Experiment e = run(started(), 0, 9, new Load(100, 0, 250), BASELINE, new Load(100, 0, 250));
    e = apply(e, observe(Fixtures.window(BASELINE, "v1", 9, 2, 100, 0, 250)));
    e = apply(e, observe(canary(9, 1, 100, 0, 250)));

    assertThat(e.stepIndex()).isEqualTo(1);
    assertThat(e.progress().samples().baseline())
        .as("the 9..11 s window reaches past the 10 s boundary")
        .hasSize(1);
    assertThat(e.progress().samples().canary()).isEmpty();
  }

  @Test
  @DisplayName(
      "a severe error rate (≥ 5 × the SLO) fails the step at once, before its minimum duration")
  void severeErrorRateFailsAtOnce() {
    Experiment e = apply(started(), observe(canary(0, 1, 100, 10, 250)));

    Judgment j = lastJudgment();
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(j.progress().observed()).isEqualTo(Duration.ofSeconds(1));
    assertThat(j.failedChecks()).extracting(Check::name).contains(Check.SEVERE_ERROR_RATE);
    assertThat(check(j, Check.SEVERE_ERROR_RATE).threshold()).isEqualTo(0.10);
    assertThat(j.summary())
        .contains("failed at once on a severe breach", "error rate 10.00% vs severe limit 10.00%");
  }

  @Test
  @DisplayName(
      "a severe p95 (≥ 3 × the SLO) fails at once; below the requests needed, nothing is severe yet")
  void severeLatencyFailsAtOnce() {
    Experiment thin = apply(started(), observe(canary(0, 1, 50, 0, 9500)));
    assertThat(thin.phase())
        .as("50 of 100 requests: not enough evidence even for a severe breach")
        .isEqualTo(Phase.CANARY);

    Experiment e = apply(thin, observe(canary(1, 1, 50, 0, 9500)));
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(lastJudgment().failedChecks())
        .extracting(Check::name)
        .contains(Check.SEVERE_P95_LATENCY);
  }

  @Test
  @DisplayName(
      "too few windows for Mann-Whitney holds the step, extended up to 2 × minDuration, then pauses it")
  void tooFewWindowsForTheStatisticsIsInconclusive() {
    Experiment e = started();
    // 5-second windows: at 10 s, 2 + 2 windows cannot reach p < 0.02 (best 1/6).
    e = apply(e, observe(Fixtures.window(BASELINE, "v1", 0, 10, 200, 0, 250)));
    e = apply(e, observe(canary(0, 5, 100, 0, 250)));
    e = apply(e, observe(canary(5, 5, 100, 0, 250)));

    assertThat(e.phase()).isEqualTo(Phase.CANARY);
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(lastJudgment().summary())
        .contains("cannot show a difference", "more windows needed", "extended up to 20s");

    e = apply(e, observe(canary(10, 10, 100, 0, 250)));
    assertThat(e.phase())
        .as("20 s: the extension is over; the baseline stopped at 10 s")
        .isEqualTo(Phase.PAUSED);
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  @DisplayName("onInconclusive: fail turns an inconclusive step into a failed one")
  void inconclusiveCanFail() {
    Policy policy =
        Fixtures.SECONDS.withAnalysis(
            new Analysis(
                0.98,
                0.1,
                0.1,
                95,
                75,
                5,
                3,
                Duration.ofSeconds(5),
                Analysis.OnInconclusive.FAIL,
                0));
    Experiment e = started(policy);
    e = apply(e, observe(canary(0, 10, 50, 0, 250)));
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.HOLD);

    e = apply(e, observe(canary(10, 5, 10, 0, 250)));
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(lastJudgment().summary())
        .contains(
            "inconclusive after 15s (extended up to 15s)",
            "60 requests observed, 100 needed",
            "onInconclusive: fail");
  }

  @Test
  @DisplayName(
      "a human resuming an inconclusive step gives it a fresh extension instead of an immediate pause")
  void resumeExtendsAgain() {
    Experiment e = apply(started(), observe(canary(0, 20, 50, 0, 250)));
    assertThat(e.phase()).isEqualTo(Phase.PAUSED);

    e =
        apply(
            e,
            new LifecycleInput.Manual(
                LifecycleInput.ManualAction.RESUME, "alice", "traffic is coming"));
    e = apply(e, observe(canary(20, 5, 10, 0, 250)));
    assertThat(e.phase()).isEqualTo(Phase.CANARY);
    assertThat(lastJudgment().summary()).contains("extended up to 30s");

    e = apply(e, observe(canary(25, 5, 100, 0, 250)));
    assertThat(e.stepIndex()).isEqualTo(1);
  }

  @Test
  @DisplayName(
      "a marginal score is held, then inconclusive: pass 100 and marginal 50 make one HIGH of two marginal")
  void marginalScoreIsExtendedThenInconclusive() {
    Policy policy =
        Fixtures.SECONDS.withAnalysis(
            new Analysis(0.98, 0.1, 0.1, 100, 50, 5, 3, null, Analysis.OnInconclusive.PAUSE, 0));
    Experiment e =
        run(started(policy), 0, 10, new Load(100, 1, 250), BASELINE, new Load(100, 0, 250));

    assertThat(e.phase()).isEqualTo(Phase.CANARY);
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(lastJudgment().summary()).contains("score 50 within [50, 100) is marginal");

    e = run(e, 10, 10, new Load(100, 1, 250), BASELINE, new Load(100, 0, 250));
    assertThat(e.phase()).isEqualTo(Phase.PAUSED);
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.INCONCLUSIVE);
  }

  @Test
  @DisplayName("failureLimit 1 tolerates one failing judgment, then fails")
  void failureLimitToleratesFailures() {
    Policy policy =
        Fixtures.SECONDS.withAnalysis(
            new Analysis(0.98, 0.1, 0.1, 95, 75, 5, 3, null, Analysis.OnInconclusive.PAUSE, 1));
    // 8 errors in 100 against the 2% SLO: exact binomial p = 0.00093, a proven breach.
    Experiment e = apply(started(policy), observe(canary(0, 10, 100, 8, 250)));

    assertThat(e.phase()).isEqualTo(Phase.CANARY);
    assertThat(lastJudgment().verdict()).isEqualTo(Verdict.HOLD);
    assertThat(lastJudgment().summary()).contains("failure 1 of 1 tolerated");
    assertThat(e.progress().failures()).isEqualTo(1);

    e = apply(e, observe(canary(10, 1, 100, 8, 250)));
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
  }

  @Test
  @DisplayName(
      "a breach under chaos still fails, and the verdict names the fault; windows are tagged with it")
  void breachUnderChaosStillFailsAndNamesTheFault() {
    ActiveFault fault = Fixtures.fault("f-7c1e", HealthWindow.Track.CANARY, 3, 8);
    ActiveFault elsewhere = Fixtures.fault("f-0000", HealthWindow.Track.STABLE, 0, 60);
    Experiment e = started();
    for (int i = 0; i < 10 && e.phase() == Phase.CANARY; i++) {
      e =
          apply(
              e, new LifecycleInput.Observe(canary(i, 1, 100, 4, 250), List.of(fault, elsewhere)));
    }

    Judgment j = lastJudgment();
    assertThat(e.phase()).isEqualTo(Phase.ROLLING_BACK);
    assertThat(j.chaos()).containsExactly(fault);
    assertThat(j.summary()).contains("under chaos: latency f-7c1e on canary", "still fails");
    assertThat(e.progress().samples().canary())
        .extracting(WindowSample::faults)
        .containsExactly(
            null,
            null,
            null,
            List.of("f-7c1e"),
            List.of("f-7c1e"),
            List.of("f-7c1e"),
            List.of("f-7c1e"),
            List.of("f-7c1e"),
            null,
            null);
  }

  @Test
  @DisplayName(
      "a long step keeps at most StepEvidence.MAX_SAMPLES (60) samples per track by merging neighbours, spanning the whole step")
  void samplesAreBounded() {
    Policy policy =
        new Policy(
            List.of(new CanaryStep(100, Duration.ofHours(1))),
            Fixtures.SECONDS.slo(),
            100,
            Duration.ofMinutes(5));
    Experiment e = started(policy);
    for (int i = 0; i < 1000; i++) {
      e = apply(e, observe(canary(i, 1, 10, 0, 250)));
    }

    List<WindowSample> samples = e.progress().samples().canary();
    assertThat(samples.size()).isLessThanOrEqualTo(StepEvidence.MAX_SAMPLES);
    assertThat(samples.get(0).start()).isEqualTo(T0);
    assertThat(samples.get(samples.size() - 1).end()).isEqualTo(T0.plusSeconds(1000));
    assertThat(samples.stream().mapToLong(WindowSample::requests).sum()).isEqualTo(10_000);
  }
}
