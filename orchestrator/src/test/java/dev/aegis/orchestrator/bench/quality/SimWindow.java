package dev.aegis.orchestrator.bench.quality;

import java.time.Instant;

/**
 * One generated health window of one track, in the benchmark's own terms (the core's window type
 * stays inside {@link AegisJudge}).
 *
 * @param index the analysis interval this window covers, 0-based from the start of the run
 * @param weight the canary's nominal traffic share during this window, in percent
 * @param p95Ms the window's p95 latency; 0 when the window had no requests (no latency was
 *     measured)
 */
record SimWindow(
    Track track,
    int index,
    Instant start,
    Instant end,
    int weight,
    long requests,
    long errors,
    double p50Ms,
    double p95Ms,
    double p99Ms) {

  /** Which deployment the window describes. */
  enum Track {
    CANARY,
    BASELINE
  }

  /**
   * errors / requests, or NaN without requests: a ratio query over an empty window has no value.
   */
  double errorRate() {
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  boolean hasData() {
    return requests > 0;
  }
}
