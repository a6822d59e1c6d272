package dev.aegis.orchestrator.judgment;

/** The absolute thresholds a step must stay under: error rate (0..1) and p95 latency in ms. */
public record Slo(double maxErrorRate, double maxP95LatencyMs) {
  public Slo {
    if (!(maxErrorRate > 0 && maxErrorRate <= 1)) {
      throw new IllegalArgumentException("maxErrorRate must be within (0, 1], was " + maxErrorRate);
    }
    if (!(maxP95LatencyMs > 0)) {
      throw new IllegalArgumentException(
          "maxP95LatencyMs must be positive, was " + maxP95LatencyMs);
    }
  }
}
