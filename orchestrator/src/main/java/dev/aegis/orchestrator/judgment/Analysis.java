package dev.aegis.orchestrator.judgment;

import java.time.Duration;

/**
 * How a step's evidence becomes a verdict beyond the absolute SLO: the statistical comparison of
 * the canary with its baseline (or stable) track, the score thresholds, the severe breaches that
 * fail a step at once, and what happens when the evidence stays too thin. See docs/judgment.md.
 *
 * @param confidence confidence of the rollout's comparisons as a family: {@code 1 - confidence} is
 *     shared out over the steps and comparison metrics ({@link #alphaPerComparison}); a difference
 *     is significant when its one-sided p-value is below that share (Kayenta's NetflixACAJudge
 *     default: 0.98)
 * @param errorRateTolerance allowed relative increase of the canary's error rate over the
 *     baseline's, part of the test's null hypothesis (0.10: H0 is canary ≤ 1.1 × baseline)
 * @param latencyTolerance allowed relative increase of the canary's median window p95 over the
 *     baseline's before a significant difference counts as High
 * @param passScore a score at or above it passes (0..100)
 * @param marginalScore a score below it fails; between the two the step is marginal: extended, then
 *     inconclusive
 * @param severeErrorRateFactor an error rate at or above {@code factor × slo.maxErrorRate} (capped
 *     at 1) fails the step at once, before its minimum duration
 * @param severeLatencyFactor a p95 at or above {@code factor × slo.maxP95LatencyMs} fails the step
 *     at once
 * @param maxExtension how long past its minimum duration a step without enough evidence is
 *     extended; null means the step's own minimum duration
 * @param onInconclusive what a step still inconclusive after its extension does
 * @param failureLimit failing judgments a step tolerates before it fails (Argo's failureLimit);
 *     severe breaches are never tolerated
 * @param sequential whether the anytime-valid tests run on every canary window and may fail a step
 *     before its minimum duration (null, as stored before they existed: true); false is the
 *     fixed-horizon judge of issue 4 alone
 * @param settleTime how long after a traffic shift evidence starts to count for the step (report
 *     lag plus actuation); null means none
 * @param detectableErrorRatio the error-rate regression, as a multiple of the reference's rate,
 *     that the power estimate is about ("needs about N more minutes to detect 3×"); null means
 *     {@link #DEFAULT_DETECTABLE_ERROR_RATIO}, 0 turns the estimate off
 * @param requirePower whether the final step waits, within its extension, until the error-rate test
 *     could detect {@code detectableErrorRatio}, and is otherwise inconclusive ({@code
 *     onInconclusive}) rather than promoted on weak evidence; null means false
 */
public record Analysis(
    double confidence,
    double errorRateTolerance,
    double latencyTolerance,
    double passScore,
    double marginalScore,
    double severeErrorRateFactor,
    double severeLatencyFactor,
    Duration maxExtension,
    OnInconclusive onInconclusive,
    int failureLimit,
    Boolean sequential,
    Duration settleTime,
    Double detectableErrorRatio,
    Boolean requirePower) {

  /** The regression the power estimate is about unless the policy names another: 3× the errors. */
  public static final double DEFAULT_DETECTABLE_ERROR_RATIO = 3.0;

  /** What a step that is still inconclusive after its extension does. */
  public enum OnInconclusive {
    /** Pause the experiment (CANARY → PAUSED by aegis) for a human to resume, promote or abort. */
    PAUSE,
    /** Fail the step: roll back and quarantine. */
    FAIL
  }

  /** The seed defaults: confidence 0.98, tolerances 10%, scores 95/75, severe at 5× / 3×, pause. */
  public static final Analysis DEFAULT =
      new Analysis(0.98, 0.10, 0.10, 95, 75, 5, 3, null, OnInconclusive.PAUSE, 0);

  /** The settings without the sequential switch and settle time (their defaults). */
  public Analysis(
      double confidence,
      double errorRateTolerance,
      double latencyTolerance,
      double passScore,
      double marginalScore,
      double severeErrorRateFactor,
      double severeLatencyFactor,
      Duration maxExtension,
      OnInconclusive onInconclusive,
      int failureLimit) {
    this(
        confidence,
        errorRateTolerance,
        latencyTolerance,
        passScore,
        marginalScore,
        severeErrorRateFactor,
        severeLatencyFactor,
        maxExtension,
        onInconclusive,
        failureLimit,
        null,
        null,
        null,
        null);
  }

  /**
   * The settings with the switches and settle time of issue 14 as given, the power ones default.
   */
  public Analysis(
      double confidence,
      double errorRateTolerance,
      double latencyTolerance,
      double passScore,
      double marginalScore,
      double severeErrorRateFactor,
      double severeLatencyFactor,
      Duration maxExtension,
      OnInconclusive onInconclusive,
      int failureLimit,
      Boolean sequential,
      Duration settleTime) {
    this(
        confidence,
        errorRateTolerance,
        latencyTolerance,
        passScore,
        marginalScore,
        severeErrorRateFactor,
        severeLatencyFactor,
        maxExtension,
        onInconclusive,
        failureLimit,
        sequential,
        settleTime,
        null,
        null);
  }

  public Analysis {
    onInconclusive = onInconclusive == null ? OnInconclusive.PAUSE : onInconclusive;
    sequential = sequential == null ? Boolean.TRUE : sequential;
    settleTime = settleTime == null ? Duration.ZERO : settleTime;
    detectableErrorRatio =
        detectableErrorRatio == null ? DEFAULT_DETECTABLE_ERROR_RATIO : detectableErrorRatio;
    requirePower = requirePower == null ? Boolean.FALSE : requirePower;
    require(!settleTime.isNegative(), "settleTime must not be negative, was " + settleTime);
    require(
        confidence >= 0.5 && confidence < 1,
        "confidence must be within [0.5, 1), was " + confidence);
    require(
        errorRateTolerance >= 0,
        "errorRateTolerance must not be negative, was " + errorRateTolerance);
    require(
        latencyTolerance >= 0, "latencyTolerance must not be negative, was " + latencyTolerance);
    require(
        passScore >= 0 && passScore <= 100, "passScore must be within 0..100, was " + passScore);
    require(
        marginalScore >= 0 && marginalScore <= passScore,
        "marginalScore must be within 0..passScore, was " + marginalScore);
    require(
        severeErrorRateFactor >= 1,
        "severeErrorRateFactor must be at least 1, was " + severeErrorRateFactor);
    require(
        severeLatencyFactor >= 1,
        "severeLatencyFactor must be at least 1, was " + severeLatencyFactor);
    require(
        maxExtension == null || !maxExtension.isNegative(), "maxExtension must not be negative");
    require(failureLimit >= 0, "failureLimit must not be negative, was " + failureLimit);
    require(
        detectableErrorRatio == 0 || detectableErrorRatio > 1 + errorRateTolerance,
        "detectableErrorRatio must be 0 (off) or above 1 + errorRateTolerance ("
            + (1 + errorRateTolerance)
            + "), was "
            + detectableErrorRatio);
  }

  /** Comparison metrics judged per step: error rate and p95 latency. */
  public static final int COMPARISON_METRICS = 2;

  /** Step-end tests with the anytime tests on: the two comparisons and the exact error-SLO test. */
  public static final int STEP_END_TESTS = 3;

  /** Anytime-valid tests: error-rate comparison, p95 comparison, error-rate SLO. */
  public static final int E_PROCESSES = 3;

  /**
   * The significance level of the whole rollout: the chance that a candidate no worse than its
   * reference is failed by some test, at most.
   */
  public double alpha() {
    return 1 - confidence;
  }

  /** The share of {@link #alpha()} the anytime tests spend: a third, or none when they are off. */
  public double alphaSequential() {
    return sequential ? alpha() / 3 : 0;
  }

  /** The level of one anytime test: its e-value fails the step at 1 / this. */
  public double alphaPerEProcess() {
    return alphaSequential() / E_PROCESSES;
  }

  /**
   * The significance level of one step-end test: what the anytime tests leave of {@link #alpha()}
   * shared out (Bonferroni) over the tests a rollout of {@code steps} steps makes at step ends. Any
   * HIGH fails the step, so the family-wise error of the rollout stays below {@link #alpha()}.
   */
  public double alphaPerComparison(int steps) {
    return (alpha() - alphaSequential()) / stepEndTests(steps);
  }

  /** The step-end tests of a rollout of {@code steps} steps. */
  public int stepEndTests(int steps) {
    return Math.max(1, steps) * (sequential ? STEP_END_TESTS : COMPARISON_METRICS);
  }

  /** These settings with the anytime-valid tests on or off. */
  public Analysis withSequential(boolean on) {
    return new Analysis(
        confidence,
        errorRateTolerance,
        latencyTolerance,
        passScore,
        marginalScore,
        severeErrorRateFactor,
        severeLatencyFactor,
        maxExtension,
        onInconclusive,
        failureLimit,
        on,
        settleTime,
        detectableErrorRatio,
        requirePower);
  }

  /** These settings with another settle time. */
  public Analysis withSettleTime(Duration settle) {
    return new Analysis(
        confidence,
        errorRateTolerance,
        latencyTolerance,
        passScore,
        marginalScore,
        severeErrorRateFactor,
        severeLatencyFactor,
        maxExtension,
        onInconclusive,
        failureLimit,
        sequential,
        settle,
        detectableErrorRatio,
        requirePower);
  }

  /**
   * These settings with the power estimate about {@code ratio} (0: off), required before the final
   * step promotes or not.
   */
  public Analysis withPower(double ratio, boolean required) {
    return new Analysis(
        confidence,
        errorRateTolerance,
        latencyTolerance,
        passScore,
        marginalScore,
        severeErrorRateFactor,
        severeLatencyFactor,
        maxExtension,
        onInconclusive,
        failureLimit,
        sequential,
        settleTime,
        ratio,
        required);
  }

  /** Whether the power estimate runs: the anytime tests on and a detectable ratio named. */
  public boolean estimatesPower() {
    return sequential && detectableErrorRatio > 0;
  }

  /** How long {@code step} may be extended past its minimum duration. */
  public Duration extension(CanaryStep step) {
    return maxExtension == null ? step.minDuration() : maxExtension;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
