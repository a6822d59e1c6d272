package dev.aegis.events.data;

import java.time.Instant;

/**
 * Data of {@code dev.aegis.health.reported.v1}: what one deployment of a service did during one
 * window of event time. The lifecycle core judges canary steps on these windows, on their {@code
 * windowEnd} timeline, never on wall-clock time.
 *
 * @param service DNS-1123 label of the service
 * @param version the version running on {@code track}
 * @param track which deployment the window measures
 * @param windowStart inclusive start of the window
 * @param windowEnd exclusive end of the window, strictly after {@code windowStart}
 * @param requests requests completed in the window, {@code >= 0}
 * @param errors failed requests in the window, {@code 0 <= errors <= requests}
 * @param latencyMs latency percentiles in milliseconds
 * @param cpuUtilization optional CPU utilisation, a ratio {@code 0..1} of the requested CPU
 * @param memoryUtilization optional memory utilisation, a ratio {@code 0..1} of the memory limit
 * @param namespace optional Kubernetes namespace of the service; without it the window belongs to
 *     the one managed service of that name
 */
public record HealthReported(
    String service,
    String version,
    Track track,
    Instant windowStart,
    Instant windowEnd,
    long requests,
    long errors,
    Latency latencyMs,
    Double cpuUtilization,
    Double memoryUtilization,
    String namespace) {

  /** The window's error rate, {@code 0} when it saw no requests. */
  public double errorRate() {
    return requests == 0 ? 0.0 : (double) errors / requests;
  }

  /** As before namespaces were carried: {@code namespace} absent. */
  public HealthReported(
      String service,
      String version,
      Track track,
      Instant windowStart,
      Instant windowEnd,
      long requests,
      long errors,
      Latency latencyMs,
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
        latencyMs,
        cpuUtilization,
        memoryUtilization,
        null);
  }
}
