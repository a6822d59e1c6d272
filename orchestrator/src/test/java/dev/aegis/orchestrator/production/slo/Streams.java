package dev.aegis.orchestrator.production.slo;

import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.HealthWindow.Track;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Health windows for the tests: one-minute windows of the stable track of {@code checkout} from T0.
 */
final class Streams {

  static final Instant T0 = Instant.parse("2025-03-01T12:00:00Z");
  static final String SERVICE = "checkout";
  static final String VERSION = "1.4.1";

  private Streams() {}

  /** The minute {@code [T0 + minute, T0 + minute + 1)} of the stable track. */
  static HealthWindow minute(int minute, long requests, long errors) {
    return window(Track.STABLE, minutes(minute), minutes(minute + 1), requests, errors);
  }

  static HealthWindow window(Track track, Instant start, Instant end, long requests, long errors) {
    return window(SERVICE, track, VERSION, start, end, requests, errors);
  }

  static HealthWindow window(
      String service,
      Track track,
      String version,
      Instant start,
      Instant end,
      long requests,
      long errors) {
    return new HealthWindow(
        service, version, track, start, end, requests, errors, 40, 180, 400, null, null);
  }

  static Instant minutes(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  /** Feeds minutes {@code from} (inclusive) to {@code to} (exclusive) and collects every change. */
  static List<AlertChange> feed(
      BurnRateTracker tracker, int from, int to, long requests, long errors) {
    List<AlertChange> changes = new ArrayList<>();
    for (int m = from; m < to; m++) {
      changes.addAll(tracker.observe(minute(m, requests, errors)));
    }
    return changes;
  }

  static BurnRateTracker stable(SloPolicy policy) {
    return new BurnRateTracker(SERVICE, Track.STABLE, policy);
  }
}
