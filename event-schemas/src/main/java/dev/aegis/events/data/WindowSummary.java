package dev.aegis.events.data;

import java.time.Instant;
import java.util.List;

/**
 * A health window as summarised in an RCA.
 *
 * @param track which deployment the window measured
 * @param version the version on that track
 * @param windowStart inclusive start
 * @param windowEnd exclusive end, after {@code windowStart}
 * @param requests requests in the window, {@code >= 0}
 * @param errors failed requests, {@code 0 <= errors <= requests}
 * @param p95LatencyMs p95 latency in milliseconds, {@code >= 0}
 * @param faults ids of the chaos faults active on this window's track during it; optional
 */
public record WindowSummary(
    Track track,
    String version,
    Instant windowStart,
    Instant windowEnd,
    long requests,
    long errors,
    double p95LatencyMs,
    List<String> faults) {

  public WindowSummary {
    faults = faults == null || faults.isEmpty() ? null : List.copyOf(faults);
  }

  /** A window no chaos fault touched. */
  public WindowSummary(
      Track track,
      String version,
      Instant windowStart,
      Instant windowEnd,
      long requests,
      long errors,
      double p95LatencyMs) {
    this(track, version, windowStart, windowEnd, requests, errors, p95LatencyMs, null);
  }
}
