package dev.aegis.orchestrator.judgment;

import java.time.Duration;

/**
 * One canary step: the share of traffic the candidate receives and how long, in event time, the
 * step must be observed before it can be judged.
 */
public record CanaryStep(int weight, Duration minDuration) {
  public CanaryStep {
    if (weight < 1 || weight > 100) {
      throw new IllegalArgumentException("step weight must be within 1..100, was " + weight);
    }
    if (minDuration == null || minDuration.isNegative() || minDuration.isZero()) {
      throw new IllegalArgumentException("step minDuration must be positive, was " + minDuration);
    }
  }
}
