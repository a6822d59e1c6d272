package dev.aegis.orchestrator.lifecycle;

import java.time.Instant;

/**
 * One health window of one track of one service version, as a health monitor reported it. The core's
 * clock for step durations is {@link #windowEnd()}.
 */
public record HealthWindow(
    String service,
    String version,
    Track track,
    Instant windowStart,
    Instant windowEnd,
    long requests,
    long errors,
    double p50Ms,
    double p95Ms,
    double p99Ms,
    Double cpuUtilization,
    Double memoryUtilization) {

  /** Which deployment a window describes. */
  public enum Track {
    CANARY,
    BASELINE,
    STABLE
  }
}
