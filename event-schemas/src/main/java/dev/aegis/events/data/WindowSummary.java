package dev.aegis.events.data;

import java.time.Instant;

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
 */
public record WindowSummary(
    Track track,
    String version,
    Instant windowStart,
    Instant windowEnd,
    long requests,
    long errors,
    double p95LatencyMs) {}
