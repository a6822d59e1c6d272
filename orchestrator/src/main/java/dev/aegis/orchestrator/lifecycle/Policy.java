package dev.aegis.orchestrator.lifecycle;

import java.time.Duration;
import java.util.List;

/**
 * How a candidate is judged: its canary steps, the SLO each step must meet, the requests a step needs
 * before it can be judged at all, and how long silence (no health window, wall clock) is tolerated
 * before the step is flagged as held.
 */
public record Policy(List<CanaryStep> steps, Slo slo, long minRequestsPerStep, Duration maxSilence) {

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
    if (steps.isEmpty()) {
      throw new IllegalArgumentException("a policy needs at least one step");
    }
    for (int i = 1; i < steps.size(); i++) {
      if (steps.get(i).weight() <= steps.get(i - 1).weight()) {
        throw new IllegalArgumentException("step weights must rise strictly, step " + (i + 1)
            + " has " + steps.get(i).weight() + " after " + steps.get(i - 1).weight());
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

  /** The step at {@code index} (0-based). */
  public CanaryStep step(int index) {
    return steps.get(index);
  }

  /** Whether {@code index} is the last step. */
  public boolean isLast(int index) {
    return index == steps.size() - 1;
  }
}
