package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.Locale;

/**
 * One health window of one track of one service version, as a health monitor reported it. The
 * core's clock for step durations is {@link #windowEnd()}. A service is (namespace, service);
 * {@code namespace} is null only for a window built without one (tests, backtests), which then
 * belongs to the service by name.
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
    Double memoryUtilization,
    String namespace) {

  /** A window without a namespace. */
  public HealthWindow(
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
    this(
        service,
        version,
        track,
        windowStart,
        windowEnd,
        requests,
        errors,
        p50Ms,
        p95Ms,
        p99Ms,
        cpuUtilization,
        memoryUtilization,
        null);
  }

  /** The same window, of the service in {@code namespace}. */
  public HealthWindow inNamespace(String namespace) {
    return new HealthWindow(
        service,
        version,
        track,
        windowStart,
        windowEnd,
        requests,
        errors,
        p50Ms,
        p95Ms,
        p99Ms,
        cpuUtilization,
        memoryUtilization,
        namespace);
  }

  /** Which deployment a window describes. */
  public enum Track {
    CANARY,
    BASELINE,
    STABLE;

    private final String wire = name().toLowerCase(Locale.ROOT);

    /** The lowercase name the event schemas and the tables use. */
    public String wire() {
      return wire;
    }
  }
}
