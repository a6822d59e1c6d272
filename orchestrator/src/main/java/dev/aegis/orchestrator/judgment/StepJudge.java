package dev.aegis.orchestrator.judgment;

import dev.aegis.orchestrator.judgment.stats.EValues;
import dev.aegis.orchestrator.judgment.stats.TestResult;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Judges a canary step from its evidence: the policy's absolute SLO, then a comparison with the
 * baseline (or stable) track over the same span ({@link CanaryComparison}). Pure; it runs on every
 * canary window, and the statistics only once the step has been observed for its minimum duration.
 *
 * <p>Order of the rules (docs/judgment.md):
 *
 * <ol>
 *   <li>a severe breach (error rate ≥ {@link Policy#severeErrorRate()} or p95 ≥ {@link
 *       Policy#severeP95LatencyMs()}, with at least {@code minRequestsPerStep} requests) → FAIL at
 *       once, even before the minimum duration;
 *   <li>observed time below the step's minimum duration → IN_PROGRESS;
 *   <li>too few requests → not enough evidence (see below);
 *   <li>an absolute SLO check fails → FAIL (the SLO checks are critical metrics);
 *   <li>too few windows for the latency statistics → not enough evidence;
 *   <li>the comparison score (passing comparison metrics / comparison metrics with data) below the
 *       marginal threshold → FAIL; at or above the pass threshold, or no comparison data → PASS; in
 *       between (marginal) → not enough evidence.
 * </ol>
 *
 * Not enough evidence is HOLD while the step is within its extension ({@code minDuration +
 * maxExtension}), then INCONCLUSIVE (paused for a human) or FAIL, as {@code onInconclusive} says. A
 * FAIL other than a severe breach is held instead while the step has tolerated fewer than {@code
 * failureLimit} failures.
 */
public final class StepJudge {

  private StepJudge() {}

  public static Judgment judge(Policy policy, int stepIndex, StepProgress progress, Instant at) {
    return new Run(policy, stepIndex, progress, at, true).judge();
  }

  /**
   * {@link #judge}, without writing its text while the verdict moves nothing: an IN_PROGRESS or
   * HOLD judgment comes back as a {@linkplain Judgment#draft() draft} (no summary, no explanations)
   * that writes the very same text when first {@linkplain Judgment#explained() read}. A conclusive
   * verdict comes back in full. The judge runs on every canary window, and most of its judgments
   * are replaced by the next window's before anyone reads them.
   */
  public static Judgment draft(Policy policy, int stepIndex, StepProgress progress, Instant at) {
    Judgment quiet = new Run(policy, stepIndex, progress, at, false).judge();
    return quiet.verdict().isConclusive() ? judge(policy, stepIndex, progress, at) : quiet;
  }

  /** One judgment in the making. */
  private static final class Run {
    private final Policy policy;
    private final Analysis analysis;
    private final CanaryStep step;
    private final int stepIndex;
    private final StepProgress progress;
    private final Instant at;
    private final String label;

    /** Whether to write the summary and explanations; a draft's are written when first read. */
    private final boolean explain;

    Run(Policy policy, int stepIndex, StepProgress progress, Instant at, boolean explain) {
      this.policy = policy;
      this.analysis = policy.analysis();
      this.step = policy.step(stepIndex);
      this.stepIndex = stepIndex;
      this.progress = progress;
      this.at = at;
      this.label = "step " + (stepIndex + 1) + " at " + step.weight() + "%";
      this.explain = explain;
    }

    /** {@code text}, when this run writes text. */
    private String say(Supplier<String> text) {
      return explain ? text.get() : null;
    }

    Judgment judge() {
      Check duration =
          Check.atLeast(
              Check.MIN_DURATION, progress.observed().toSeconds(), step.minDuration().toSeconds());
      Check requests =
          Check.atLeast(Check.MIN_REQUESTS, progress.requests(), policy.minRequestsPerStep());
      Check errorRate =
          Check.limit(
              Check.ERROR_RATE,
              progress.errorRate(),
              policy.slo().maxErrorRate(),
              say(
                  () ->
                      "error rate "
                          + percent(progress.errorRate())
                          + " vs SLO "
                          + percent(policy.slo().maxErrorRate())));
      Check p95 =
          Check.limit(
              Check.P95_LATENCY,
              progress.p95Ms(),
              policy.slo().maxP95LatencyMs(),
              say(
                  () ->
                      "p95 "
                          + Decimals.fixed(progress.p95Ms(), 0)
                          + " ms vs SLO "
                          + Decimals.fixed(policy.slo().maxP95LatencyMs(), 0)
                          + " ms"));
      List<Check> slo = List.of(errorRate, p95);
      List<Check> evidence = List.of(requests, duration);
      List<Check> anytime = anytimeChecks();
      List<Check> crossed = anytime.stream().filter(c -> !c.passed()).toList();
      Power power = power();
      if (power != null) {
        evidence = concat(evidence, List.of(power.check(explain)));
      }

      if (requests.passed()) {
        List<Check> severe = severeChecks();
        List<Check> breached = severe.stream().filter(c -> !c.passed()).toList();
        if (!breached.isEmpty()) {
          return judgment(
              Verdict.FAIL,
              () -> label + " failed at once on a severe breach: " + explain(breached),
              concat(slo, severe, evidence),
              null,
              null,
              progress);
        }
        evidence = concat(severe, evidence);
      }
      if (!duration.passed() && !crossed.isEmpty()) {
        return fail(
            () -> label + " failed early: " + explain(crossed),
            concat(slo, anytime, evidence),
            null,
            null);
      }
      if (!duration.passed()) {
        return judgment(
            Verdict.IN_PROGRESS,
            () ->
                label
                    + ": observed "
                    + (long) duration.observed()
                    + "s of "
                    + (long) duration.threshold()
                    + "s"
                    + anytimeSummary()
                    + (power == null || power.reached() ? "" : "; " + power.sentence()),
            concat(slo, anytime, evidence),
            null,
            null,
            progress);
      }
      if (!requests.passed()) {
        return notEnough(
            () ->
                String.format(
                    Locale.ROOT,
                    "%d requests observed, %d needed before it can be judged",
                    progress.requests(),
                    policy.minRequestsPerStep()),
            concat(slo, anytime, evidence),
            null,
            null);
      }
      CanaryComparison.Result compared =
          CanaryComparison.of(analysis, policy.steps().size(), progress);
      Score score = Score.of(compared.checks(), analysis);
      List<Check> checks = concat(slo, compared.checks(), anytime, evidence);
      String unproven = unprovenErrorBreach(errorRate);
      List<Check> sloBreaches =
          slo.stream().filter(c -> !c.passed() && (c != errorRate || unproven == null)).toList();
      if (!sloBreaches.isEmpty()) {
        return fail(
            () -> label + " failed: " + explain(sloBreaches) + " → HIGH",
            checks,
            score,
            compared.against());
      }
      if (!crossed.isEmpty()) {
        return fail(
            () -> label + " failed: " + explain(crossed), checks, score, compared.against());
      }
      if (unproven != null) {
        return notEnough(() -> unproven, checks, score, compared.against());
      }
      if (compared.insufficient() != null) {
        return notEnough(compared::insufficient, checks, score, compared.against());
      }
      if (score.fails()) {
        List<Check> high = compared.checks().stream().filter(c -> !c.passed()).toList();
        return fail(
            () -> label + " failed: " + explain(high) + "; " + scoreText(score) + " → FAIL",
            checks,
            score,
            compared.against());
      }
      if (!score.passes()) {
        return notEnough(
            () -> scoreText(score) + " is marginal", checks, score, compared.against());
      }
      if (power != null && !power.reached() && powerRequired()) {
        return underpowered(power, checks, score, compared.against());
      }
      return judgment(
          Verdict.PASS,
          () ->
              String.format(
                  Locale.ROOT,
                  "%s passed: error rate %s < %s, p95 %.0f ms < %.0f ms over %d requests; %s",
                  label,
                  percent(errorRate.observed()),
                  percent(errorRate.threshold()),
                  p95.observed(),
                  p95.threshold(),
                  progress.requests(),
                  score.value() == null
                      ? "no baseline or stable windows: judged on the SLO alone"
                      : scoreText(score) + " against " + compared.against()),
          checks,
          score,
          compared.against(),
          progress);
    }

    /**
     * With the anytime tests on, an error rate at or above the SLO fails only when an exact
     * binomial test shows it (P(X ≥ x | n, SLO) below the step-end share of α); otherwise the step
     * lacks evidence and is held. Null when the breach is proven, there is none, or the tests are
     * off (the point check of issue 4 then decides).
     */
    private String unprovenErrorBreach(Check errorRate) {
      if (errorRate.passed() || !analysis.sequential()) {
        return null;
      }
      double alpha = analysis.alphaPerComparison(policy.steps().size());
      double p =
          EValues.binomialUpperTail(
              progress.errors(), progress.requests(), policy.slo().maxErrorRate());
      if (p < alpha) {
        return null;
      }
      return String.format(
          Locale.ROOT,
          "error rate %s ≥ SLO %s is not yet significant (exact binomial p=%s ≥ α %s over %d requests)",
          percent(progress.errorRate()),
          percent(policy.slo().maxErrorRate()),
          CanaryComparison.p(p),
          CanaryComparison.p(alpha),
          progress.requests());
    }

    /** The three anytime-valid tests as checks; none when they are off. */
    private List<Check> anytimeChecks() {
      if (!analysis.sequential()) {
        return List.of();
      }
      Sequential state = progress.sequential();
      StepEvidence samples = progress.samples();
      String against =
          !samples.baseline().isEmpty()
              ? "baseline"
              : !samples.stable().isEmpty() ? "stable" : null;
      double theta = 1 + analysis.errorRateTolerance();
      double limit = policy.slo().maxErrorRate();
      return List.of(
          anytime(
              Check.ERROR_RATE_SEQUENTIAL,
              state.errors(),
              TestResult.MSPRT_CONDITIONAL_BINOMIAL,
              against,
              state.pairedWindows() > 0 ? state.ratioEstimate() : null,
              analysis.errorRateTolerance(),
              "error rate",
              () ->
                  "canary errors given all errors vs H0 canary ≤ "
                      + CanaryComparison.number(theta)
                      + " × "
                      + (against == null ? "reference" : against)
                      + (state.errors().bet() == null
                          ? ""
                          : ", betting on "
                              + Decimals.fixed(state.errors().bet(), 1)
                              + "×, dispersion "
                              + Decimals.fixed(state.errors().dispersion(), 2))),
          anytime(
              Check.P95_LATENCY_SEQUENTIAL,
              state.latency(),
              TestResult.BETTING_LOG_P95_RATIO,
              against,
              state.latencyRatio(),
              analysis.latencyTolerance(),
              "p95 latency",
              () ->
                  "per-window ln(canary p95 / "
                      + (against == null ? "reference" : against)
                      + " p95) vs H0 centred at most ln "
                      + CanaryComparison.number(1 + analysis.latencyTolerance())
                      + (state.latency().bet() == null
                          ? ""
                          : ", stake " + Decimals.fixed(state.latency().bet(), 2))),
          anytime(
              Check.ERROR_RATE_SLO_SEQUENTIAL,
              state.slo(),
              TestResult.MSPRT_BINOMIAL,
              null,
              limit > 0 ? progress.errorRate() / limit : null,
              0,
              "error-rate SLO",
              () ->
                  "canary errors vs H0 error rate ≤ SLO "
                      + percent(limit)
                      + (state.slo().bet() == null
                          ? ""
                          : ", betting on "
                              + percent(state.slo().bet())
                              + ", dispersion "
                              + Decimals.fixed(state.slo().dispersion(), 2))));
    }

    private Check anytime(
        String name,
        Sequential.EProcess e,
        String test,
        String against,
        Double ratio,
        double tolerance,
        String metric,
        Supplier<String> what) {
      double alpha = analysis.alphaPerEProcess();
      double threshold = 1 / alpha;
      double observed = Math.exp(e.crossed() ? e.maxLogE() : e.logE());
      Classification c =
          e.crossed()
              ? Classification.HIGH
              : e.bets() == 0 ? Classification.NODATA : Classification.PASS;
      String explanation =
          explain ? explanation(e, observed, threshold, alpha, c, metric, what) : null;
      Comparison comparison =
          new Comparison(
              test,
              against,
              observed,
              e.anytimePValue(),
              "higher",
              alpha,
              analysis.confidence(),
              ratio,
              tolerance,
              progress.samples().canary().size(),
              progress.sequential().pairedWindows(),
              progress.firstWindowStart(),
              e.crossed() ? e.crossedAt() : progress.coveredUntil(),
              e.dispersion());
      return new Check(
          name, observed, threshold, "<", !e.crossed(), c, null, comparison, explanation);
    }

    /** An anytime check's line: its e-value against the threshold, where it crossed, the test. */
    private String explanation(
        Sequential.EProcess e,
        double observed,
        double threshold,
        double alpha,
        Classification c,
        String metric,
        Supplier<String> what) {
      String where =
          e.crossed()
              ? " at window "
                  + e.crossedWindow()
                  + " of step "
                  + e.crossedStep()
                  + " (ending "
                  + e.crossedAt()
                  + ")"
              : "";
      return metric
          + ", anytime test: e-value "
          + eValue(observed)
          + (e.crossed() ? " ≥ " : " < ")
          + eValue(threshold)
          + " (1/α, α "
          + CanaryComparison.p(alpha)
          + ")"
          + where
          + "; "
          + what.get()
          + " → "
          + c;
    }

    /**
     * How far the error-rate comparison is from the power to detect the policy's detectable ratio;
     * null when the estimate is off or there is no reference to compare with.
     */
    private Power power() {
      Sequential state = progress.sequential();
      if (!analysis.estimatesPower() || state.power().referenceRequests() <= 0) {
        return null;
      }
      double threshold = Math.log(1 / analysis.alphaPerEProcess());
      Integer windows = state.windowsToPower(threshold);
      double windowSeconds =
          progress.windows() == 0
              ? 0
              : (double) progress.observed().toMillis() / 1000 / progress.windows();
      double requestsPerWindow =
          state.pairedWindows() == 0 ? 0 : state.pairedCanaryRequests() / state.pairedWindows();
      String against =
          !progress.samples().baseline().isEmpty()
              ? "baseline"
              : !progress.samples().stable().isEmpty() ? "stable track" : "reference";
      return new Power(
          analysis.detectableErrorRatio(),
          against,
          Math.exp(state.power().logE()),
          Math.exp(threshold),
          windows,
          windowSeconds,
          requestsPerWindow);
    }

    /**
     * Whether this step may not promote before the power is reached: the policy requires it and
     * this is the final step (the e-process spans the experiment, later steps bring more traffic,
     * and promotion is the act that cannot be taken back).
     */
    private boolean powerRequired() {
      return analysis.requirePower() && stepIndex == policy.steps().size() - 1;
    }

    /**
     * A final step that would pass but lacks the power: held while the missing windows fit in its
     * extension, inconclusive (paused or failed, as {@code onInconclusive} says) at once when they
     * cannot.
     */
    private Judgment underpowered(Power power, List<Check> checks, Score score, String against) {
      Duration deadline = deadline();
      Duration needed =
          power.windows() == null
              ? null
              : Duration.ofMillis(Math.round(power.windows() * power.windowSeconds() * 1000));
      if (needed != null && progress.observed().plus(needed).compareTo(deadline) <= 0) {
        return judgment(
            Verdict.HOLD,
            () ->
                String.format(
                    Locale.ROOT,
                    "%s: holding before promotion, %s; extended up to %ds (observed %ds)",
                    label,
                    power.sentence(),
                    deadline.toSeconds(),
                    progress.observed().toSeconds()),
            checks,
            score,
            against,
            progress);
      }
      Supplier<String> why =
          () ->
              String.format(
                  Locale.ROOT,
                  "cannot reach the power to detect %s× the %s's error rate before promoting: %s,"
                      + " the extension allows %ds more",
                  CanaryComparison.number(power.ratio()),
                  power.against(),
                  power.shortfall(),
                  Math.max(0, deadline.minus(progress.observed()).toSeconds()));
      return inconclusive(why, deadline, checks, score, against);
    }

    /** The anytime tests' e-values for an in-progress summary; empty when they are off. */
    private String anytimeSummary() {
      if (!analysis.sequential()) {
        return "";
      }
      Sequential state = progress.sequential();
      return "; anytime tests: errors e="
          + eValue(state.errors().eValue())
          + ", p95 e="
          + eValue(state.latency().eValue())
          + ", SLO e="
          + eValue(state.slo().eValue())
          + " (fail at "
          + eValue(1 / analysis.alphaPerEProcess())
          + ")";
    }

    private List<Check> severeChecks() {
      Check errors =
          Check.limit(
              Check.SEVERE_ERROR_RATE,
              progress.errorRate(),
              policy.severeErrorRate(),
              say(
                  () ->
                      "error rate "
                          + percent(progress.errorRate())
                          + " vs severe limit "
                          + percent(policy.severeErrorRate())));
      Check latency =
          Check.limit(
              Check.SEVERE_P95_LATENCY,
              progress.p95Ms(),
              policy.severeP95LatencyMs(),
              say(
                  () ->
                      "p95 "
                          + Decimals.fixed(progress.p95Ms(), 0)
                          + " ms vs severe limit "
                          + Decimals.fixed(policy.severeP95LatencyMs(), 0)
                          + " ms"));
      return List.of(errors, latency);
    }

    /** A failure, unless the step may still tolerate one (policy failureLimit). */
    private Judgment fail(Supplier<String> why, List<Check> checks, Score score, String against) {
      if (progress.failures() < analysis.failureLimit()) {
        int tolerated = progress.failures() + 1;
        return judgment(
            Verdict.HOLD,
            () ->
                String.format(
                    Locale.ROOT,
                    "%s (failure %d of %d tolerated)",
                    why.get(),
                    tolerated,
                    analysis.failureLimit()),
            checks,
            score,
            against,
            progress.withFailures(tolerated));
      }
      return judgment(Verdict.FAIL, why, checks, score, against, progress);
    }

    /** Too little evidence: extend the step, then pause or fail as the policy says. */
    private Judgment notEnough(
        Supplier<String> why, List<Check> checks, Score score, String against) {
      Duration deadline = deadline();
      if (progress.observed().compareTo(deadline) < 0) {
        return judgment(
            Verdict.HOLD,
            () ->
                String.format(
                    Locale.ROOT,
                    "%s: holding, %s; extended up to %ds (observed %ds)",
                    label,
                    why.get(),
                    deadline.toSeconds(),
                    progress.observed().toSeconds()),
            checks,
            score,
            against,
            progress);
      }
      return inconclusive(why, deadline, checks, score, against);
    }

    /** The end of this step's extension: minimum duration (or a human's resume) + extension. */
    private Duration deadline() {
      Duration start =
          progress.extendedFrom() == null
                  || progress.extendedFrom().compareTo(step.minDuration()) < 0
              ? step.minDuration()
              : progress.extendedFrom();
      return start.plus(analysis.extension(step));
    }

    /**
     * Still short of evidence and out of time: paused for a human, or failed, as the policy says.
     */
    private Judgment inconclusive(
        Supplier<String> why, Duration deadline, List<Check> checks, Score score, String against) {
      Supplier<String> inconclusive =
          () ->
              String.format(
                  Locale.ROOT,
                  "%s inconclusive after %ds (extended up to %ds): %s",
                  label,
                  progress.observed().toSeconds(),
                  deadline.toSeconds(),
                  why.get());
      return switch (analysis.onInconclusive()) {
        case PAUSE ->
            judgment(
                Verdict.INCONCLUSIVE,
                () -> inconclusive.get() + "; paused for a human",
                checks,
                score,
                against,
                progress);
        case FAIL ->
            judgment(
                Verdict.FAIL,
                () -> inconclusive.get() + "; failed, as the policy says (onInconclusive: fail)",
                checks,
                score,
                against,
                progress);
      };
    }

    private Judgment judgment(
        Verdict verdict,
        Supplier<String> summary,
        List<Check> checks,
        Score score,
        String against,
        StepProgress evidence) {
      List<ActiveFault> chaos = progress.samples().faults();
      String text = explain ? summary.get() : null;
      if (text != null && !chaos.isEmpty() && verdict.isConclusive()) {
        text +=
            "; under chaos: "
                + chaos.stream().map(ActiveFault::describe).collect(Collectors.joining(", "))
                + (verdict == Verdict.FAIL
                    ? " (a breach under chaos still fails: the candidate did not withstand it)"
                    : "");
      }
      return new Judgment(
          verdict,
          stepIndex + 1,
          step.weight(),
          text,
          checks,
          evidence.withoutSamples(),
          step.minDuration().toSeconds(),
          at,
          score,
          against,
          chaos,
          explain ? null : new Judgment.Draft(policy, stepIndex, progress));
    }
  }

  private static String explain(List<Check> checks) {
    return checks.stream().map(Check::explanation).collect(Collectors.joining("; "));
  }

  private static String scoreText(Score score) {
    double value = score.value();
    String relation =
        value >= score.pass()
            ? "≥ " + CanaryComparison.number(score.pass())
            : value < score.marginal()
                ? "< " + CanaryComparison.number(score.marginal())
                : "within ["
                    + CanaryComparison.number(score.marginal())
                    + ", "
                    + CanaryComparison.number(score.pass())
                    + ")";
    return String.format(Locale.ROOT, "score %.0f %s", value, relation);
  }

  @SafeVarargs
  private static List<Check> concat(List<Check>... parts) {
    List<Check> all = new ArrayList<>();
    for (List<Check> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  /**
   * The error-rate comparison's power against a regression of {@code ratio}×: its expected e-value
   * had the canary been that much worse, the threshold, and the paired windows still needed at this
   * step's traffic (null while unknown).
   */
  private record Power(
      double ratio,
      String against,
      double expectedE,
      double threshold,
      Integer windows,
      double windowSeconds,
      double requestsPerWindow) {

    boolean reached() {
      return windows != null && windows == 0;
    }

    /** "to detect 3× …'s error rate it needs about 7 more minutes (≈ 1,800 canary requests)". */
    String sentence() {
      return String.format(
          Locale.ROOT,
          "to detect %s× the %s's error rate it %s at this traffic",
          CanaryComparison.number(ratio),
          against,
          shortfall());
    }

    String shortfall() {
      if (windows == null) {
        return "needs more paired windows than this step has shown (none yet)";
      }
      long seconds = Math.round(windows * windowSeconds);
      String time =
          seconds >= 120
              ? String.format(Locale.ROOT, "%d more minutes", Math.round(seconds / 60.0))
              : String.format(Locale.ROOT, "%d more seconds", seconds);
      return String.format(
          Locale.ROOT,
          "needs about %s (%d windows, ≈ %,d canary requests)",
          time,
          windows,
          Math.round(windows * requestsPerWindow));
    }

    /**
     * An evidence check: the expected e-value against the threshold; the windows still needed are
     * in its explanation.
     */
    Check check(boolean explain) {
      String explanation =
          !explain
              ? null
              : reached()
                  ? String.format(
                      Locale.ROOT,
                      "error-rate power: had the canary %s× the %s's error rate, the anytime test would"
                          + " expect an e-value of %s ≥ %s by now",
                      CanaryComparison.number(ratio),
                      against,
                      eValue(expectedE),
                      eValue(threshold))
                  : String.format(
                      Locale.ROOT,
                      "error-rate power: expected e-value %s of %s; %s",
                      eValue(expectedE),
                      eValue(threshold),
                      sentence());
      return new Check(
          Check.ERROR_RATE_POWER,
          expectedE,
          threshold,
          ">=",
          reached(),
          null,
          null,
          null,
          explanation);
    }
  }

  /** An e-value as a reader expects it: 0.42, 3.2, 450, 1120. */
  static String eValue(double e) {
    if (e >= 100) {
      return Decimals.fixed(e, 0);
    }
    return e >= 10 ? Decimals.fixed(e, 1) : Decimals.fixed(e, 2);
  }

  static String percent(double ratio) {
    return Decimals.fixed(ratio * 100, 2) + "%";
  }
}
