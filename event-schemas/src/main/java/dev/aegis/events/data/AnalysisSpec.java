package dev.aegis.events.data;

import java.time.Duration;

/**
 * Per-experiment overrides of the seed analysis settings (docs/judgment.md). Every member may be
 * {@code null}, meaning the orchestrator's default.
 *
 * @param confidence confidence of the comparison tests, {@code [0.5, 1)} (default 0.98)
 * @param errorRateTolerance allowed relative increase of the error rate over the baseline's, {@code
 *     >= 0}
 * @param latencyTolerance allowed relative increase of the median window p95 over the baseline's
 * @param passScore a comparison score at or above it passes, {@code 0..100} (default 95)
 * @param marginalScore a score below it fails, {@code 0..passScore} (default 75)
 * @param severeErrorRateFactor an error rate of this many times the SLO fails a step at once,
 *     {@code >= 1}
 * @param severeLatencyFactor a p95 of this many times the SLO fails a step at once, {@code >= 1}
 * @param maxExtension how long a step short of evidence is extended past its minimum duration
 * @param onInconclusive {@code pause} (default) or {@code fail}: what a step still short of
 *     evidence after its extension does
 * @param failureLimit failing judgments a step tolerates before it fails, {@code >= 0} (default 0)
 * @param sequential whether the anytime-valid tests run on every window and may fail a step before
 *     its minimum duration (default true); false keeps the fixed-horizon step-end tests alone
 * @param settleTime how long after a traffic shift a step's evidence starts to count (default: the
 *     orchestrator's {@code aegis.policy.settle-time})
 * @param detectableErrorRatio the error-rate regression, as a multiple of the reference's rate, the
 *     power estimate is about (default 3); 0 turns the estimate off
 * @param requirePower whether the final step waits for the power to detect {@code
 *     detectableErrorRatio}, and is otherwise inconclusive, before it promotes (default: the
 *     orchestrator's {@code aegis.policy.require-power})
 */
public record AnalysisSpec(
    Double confidence,
    Double errorRateTolerance,
    Double latencyTolerance,
    Double passScore,
    Double marginalScore,
    Double severeErrorRateFactor,
    Double severeLatencyFactor,
    Duration maxExtension,
    String onInconclusive,
    Integer failureLimit,
    Boolean sequential,
    Duration settleTime,
    Double detectableErrorRatio,
    Boolean requirePower) {

  /** The overrides of issue 4 alone; the later members take their defaults. */
  public AnalysisSpec(
      Double confidence,
      Double errorRateTolerance,
      Double latencyTolerance,
      Double passScore,
      Double marginalScore,
      Double severeErrorRateFactor,
      Double severeLatencyFactor,
      Duration maxExtension,
      String onInconclusive,
      Integer failureLimit) {
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
}
