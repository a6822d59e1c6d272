package dev.aegis.orchestrator.application;

import dev.aegis.events.data.AnalysisSpec;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import java.time.Duration;

/**
 * Upper bounds on the numbers of a submitted policy. {@link dev.aegis.orchestrator.judgment.Policy}
 * and its parts already refuse values that make no sense (a weight of 0, a negative duration);
 * these bounds refuse values that are merely absurd, so no submission can carry a duration that
 * overflows the judge's arithmetic (a step of {@code PT2562047788015215H} plus its extension does)
 * or a threshold that switches a check off by being infinite. JSON turns {@code 1e400} into
 * infinity, so every number is also required to be finite.
 */
public final class PolicyLimits {

  /** Longest step, and longest extension of a step. */
  public static final Duration MAX_STEP = Duration.ofDays(90);

  /** Longest tolerated silence. */
  public static final Duration MAX_SILENCE = Duration.ofDays(7);

  public static final long MAX_MIN_REQUESTS = 1_000_000_000L;

  /** One hour, in milliseconds. */
  public static final double MAX_P95_LATENCY_MS = 3_600_000;

  /** A relative increase of 100 (10 000 %) is as good as no tolerance check at all. */
  public static final double MAX_TOLERANCE = 100;

  public static final double MAX_SEVERE_FACTOR = 1000;

  /** A regression of 1 000× the reference's error rate is as good as any failure at all. */
  public static final double MAX_DETECTABLE_RATIO = 1000;

  public static final int MAX_FAILURE_LIMIT = 1000;

  private PolicyLimits() {}

  /**
   * Checks the bounds of every member {@code spec} sets; null members (defaults) pass.
   *
   * @throws InvalidSubmissionException naming the field, e.g. {@code policy.steps[1].minDuration}
   */
  public static void check(PolicySpec spec) {
    if (spec == null) {
      return;
    }
    if (spec.steps() != null) {
      for (int i = 0; i < spec.steps().size(); i++) {
        StepSpec step = spec.steps().get(i);
        atMost("policy.steps[" + i + "].minDuration", step.minDuration(), MAX_STEP);
      }
    }
    if (spec.minRequestsPerStep() != null && spec.minRequestsPerStep() > MAX_MIN_REQUESTS) {
      throw new InvalidSubmissionException(
          "policy.minRequestsPerStep",
          "policy.minRequestsPerStep must be at most "
              + MAX_MIN_REQUESTS
              + ", was "
              + spec.minRequestsPerStep());
    }
    atMost("policy.maxSilence", spec.maxSilence(), MAX_SILENCE);
    slo(spec.slo());
    analysis(spec.analysis());
  }

  private static void slo(SloSpec slo) {
    if (slo == null) {
      return;
    }
    finite("policy.slo.maxErrorRate", slo.maxErrorRate());
    atMost("policy.slo.maxP95LatencyMs", slo.maxP95LatencyMs(), MAX_P95_LATENCY_MS);
  }

  private static void analysis(AnalysisSpec a) {
    if (a == null) {
      return;
    }
    finite("policy.analysis.confidence", a.confidence());
    atMost("policy.analysis.errorRateTolerance", a.errorRateTolerance(), MAX_TOLERANCE);
    atMost("policy.analysis.latencyTolerance", a.latencyTolerance(), MAX_TOLERANCE);
    finite("policy.analysis.passScore", a.passScore());
    finite("policy.analysis.marginalScore", a.marginalScore());
    atMost("policy.analysis.severeErrorRateFactor", a.severeErrorRateFactor(), MAX_SEVERE_FACTOR);
    atMost("policy.analysis.severeLatencyFactor", a.severeLatencyFactor(), MAX_SEVERE_FACTOR);
    atMost("policy.analysis.maxExtension", a.maxExtension(), MAX_STEP);
    atMost("policy.analysis.settleTime", a.settleTime(), MAX_STEP);
    atMost("policy.analysis.detectableErrorRatio", a.detectableErrorRatio(), MAX_DETECTABLE_RATIO);
    if (a.failureLimit() != null && a.failureLimit() > MAX_FAILURE_LIMIT) {
      throw new InvalidSubmissionException(
          "policy.analysis.failureLimit",
          "policy.analysis.failureLimit must be "
              + "at most "
              + MAX_FAILURE_LIMIT
              + ", was "
              + a.failureLimit());
    }
  }

  private static void atMost(String field, Duration value, Duration max) {
    if (value != null && value.compareTo(max) > 0) {
      throw new InvalidSubmissionException(
          field, field + " must be at most " + max + " (" + max.toDays() + " days), was " + value);
    }
  }

  private static void atMost(String field, Double value, double max) {
    finite(field, value);
    if (value != null && value > max) {
      throw new InvalidSubmissionException(
          field, field + " must be at most " + max + ", was " + value);
    }
  }

  private static void finite(String field, Double value) {
    if (value != null && !Double.isFinite(value)) {
      throw new InvalidSubmissionException(field, field + " must be a finite number, was " + value);
    }
  }
}
