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
    int failureLimit) {

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

  public Analysis {
    onInconclusive = onInconclusive == null ? OnInconclusive.PAUSE : onInconclusive;
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
  }

  /** Comparison metrics judged per step: error rate and p95 latency. */
  public static final int COMPARISON_METRICS = 2;

  /**
   * The significance level of the whole rollout: the chance that a candidate no worse than its
   * reference is failed by some comparison, at most.
   */
  public double alpha() {
    return 1 - confidence;
  }

  /**
   * The significance level of one comparison: {@link #alpha()} shared out (Bonferroni) over the
   * comparisons a rollout of {@code steps} steps makes, one per step and comparison metric. Any
   * HIGH fails the step, so the family-wise error of the rollout stays below {@link #alpha()}.
   */
  public double alphaPerComparison(int steps) {
    return alpha() / (Math.max(1, steps) * COMPARISON_METRICS);
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
