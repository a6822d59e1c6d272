package dev.aegis.orchestrator.judgment;

import java.time.Duration;
import java.util.List;

/**
 * How a candidate is judged: its canary steps, the SLO each step must meet, the requests a step
 * needs before it can be judged at all, how long silence (no health window, wall clock) is
 * tolerated before the step is flagged as held, and the analysis settings (comparison with the
 * baseline, score, severe breaches, extension; see {@link Analysis}).
 *
 * @param analysis the analysis settings; null (e.g. a policy stored before they existed) means
 *     {@link Analysis#DEFAULT}
 */
public record Policy(
    List<CanaryStep> steps,
    Slo slo,
    long minRequestsPerStep,
    Duration maxSilence,
    Analysis analysis) {

  /** The seed defaults: 10% for 24 h, 50% for 48 h, 100% for 7 days; error rate < 2%, p95 < 3 s. */
  public static final Policy DEFAULT =
      new Policy(
          List.of(
              new CanaryStep(10, Duration.ofHours(24)),
              new CanaryStep(50, Duration.ofHours(48)),
              new CanaryStep(100, Duration.ofDays(7))),
          new Slo(0.02, 3000),
          100,
          Duration.ofMinutes(15));

  public Policy {
    steps = List.copyOf(steps);
    analysis = analysis == null ? Analysis.DEFAULT : analysis;
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a policy needs at least one step");
    }
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).weight() <= steps.get(i - 1).weight()) {
        throw new IllegalArgumentException(
            "step weights must rise strictly, step "
                + (i + 1)
                + " has "
                + steps.get(i).weight()
                + " after "
                + steps.get(i - 1).weight());
      }
    }
    if (steps.get(steps.size() - 1).weight() != 100) {
      throw new IllegalArgumentException("the last step must carry weight 100");
    }
    if (minRequestsPerStep < 0) {
      throw new IllegalArgumentException("minRequestsPerStep must not be negative");
    }
    if (maxSilence == null || maxSilence.isNegative() || maxSilence.isZero()) {
      throw new IllegalArgumentException("maxSilence must be positive");
    }
  }

  /** A policy with the default analysis settings. */
  public Policy(List<CanaryStep> steps, Slo slo, long minRequestsPerStep, Duration maxSilence) {
    this(steps, slo, minRequestsPerStep, maxSilence, Analysis.DEFAULT);
  }

  /** This policy with other analysis settings. */
  public Policy withAnalysis(Analysis next) {
    return new Policy(steps, slo, minRequestsPerStep, maxSilence, next);
  }

  /** The step at {@code index} (0-based). */
  public CanaryStep step(int index) {
    return steps.get(index);
  }

  /** Whether {@code index} is the last step. */
  public boolean isLast(int index) {
    return index == steps.size() - 1;
  }

  /**
   * An error rate at or above this fails a step at once: {@code severeErrorRateFactor ×
   * maxErrorRate}, at most 1.
   */
  public double severeErrorRate() {
    return Math.min(1, analysis.severeErrorRateFactor() * slo.maxErrorRate());
  }

  /** A p95 at or above this fails a step at once: {@code severeLatencyFactor × maxP95LatencyMs}. */
  public double severeP95LatencyMs() {
    return analysis.severeLatencyFactor() * slo.maxP95LatencyMs();
  }
}
