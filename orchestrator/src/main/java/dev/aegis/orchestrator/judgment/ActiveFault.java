package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A chaos fault the edge knows to be active on the service (announced on {@code aegis.chaos}). The
 * core tags every window that overlaps a fault on the same track, so a verdict reached under chaos
 * says so.
 *
 * @param until when the fault stopped: its expiry, or its clearing if that came first
 */
public record ActiveFault(
    String faultId, String kind, HealthWindow.Track track, Instant startedAt, Instant until) {

  public ActiveFault {
    Objects.requireNonNull(faultId, "faultId");
    Objects.requireNonNull(track, "track");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(until, "until");
  }

  /** Whether this fault was active on the window's track at some moment of the window. */
  public boolean touches(HealthWindow window) {
    return track == window.track()
        && startedAt.isBefore(window.windowEnd())
        && until.isAfter(window.windowStart());
  }

  /** The faults of {@code faults} that touch {@code window}. */
  public static List<ActiveFault> touching(List<ActiveFault> faults, HealthWindow window) {
    return faults.stream().filter(f -> f.touches(window)).toList();
  }

  /** "latency f-1 on canary". */
  public String describe() {
    return kind + " " + faultId + " on " + track.name().toLowerCase(Locale.ROOT);
  }
}
