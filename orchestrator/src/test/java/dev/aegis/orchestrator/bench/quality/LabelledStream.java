package dev.aegis.orchestrator.bench.quality;

import java.time.Instant;
import java.util.List;

/**
 * One generated run: the windows of both tracks in event-time order (per interval the baseline
 * window, then the canary window, both ending at the same instant), and the truth about it.
 *
 * @param start event time the run begins (the first window's start); times to decision count from
 *     here
 * @param baseErrorRate the service's true error probability before any shift
 * @param baseP95Ms the service's true p95 before any shift
 * @param trafficPerWindow requests per window at 100% weight
 */
record LabelledStream(
    Scenario scenario,
    long seed,
    Label label,
    Instant start,
    double baseErrorRate,
    double baseP95Ms,
    double trafficPerWindow,
    List<SimWindow> windows) {

  LabelledStream {
    windows = List.copyOf(windows);
  }

  List<SimWindow> track(SimWindow.Track track) {
    return windows.stream().filter(w -> w.track() == track).toList();
  }

  /** Observed error rate of one track over the windows {@code [from, to)}. */
  double observedErrorRate(SimWindow.Track track, int from, int to) {
    long requests = 0;
    long errors = 0;
    for (SimWindow w : track(track)) {
      if (w.index() >= from && w.index() < to) {
        requests += w.requests();
        errors += w.errors();
      }
    }
    return requests == 0 ? Double.NaN : (double) errors / requests;
  }

  /** Request-weighted mean p95 of one track over the windows {@code [from, to)}. */
  double observedP95(SimWindow.Track track, int from, int to) {
    double weighted = 0;
    long requests = 0;
    for (SimWindow w : track(track)) {
      if (w.index() >= from && w.index() < to) {
        weighted += w.p95Ms() * w.requests();
        requests += w.requests();
      }
    }
    return requests == 0 ? Double.NaN : weighted / requests;
  }
}
