package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * One window kept for the statistics of a step: its span, counts, p95, and the chaos faults that
 * touched it.
 *
 * @param faults ids of the chaos faults active on this window's track during it, or null for none
 */
public record WindowSample(
    Instant start, Instant end, long requests, long errors, double p95Ms, List<String> faults) {

  public WindowSample {
    faults = faults == null || faults.isEmpty() ? null : List.copyOf(faults);
  }

  static WindowSample of(HealthWindow w, List<ActiveFault> faults) {
    return new WindowSample(
        w.windowStart(),
        w.windowEnd(),
        w.requests(),
        w.errors(),
        w.p95Ms(),
        faults.isEmpty() ? null : faults.stream().map(ActiveFault::faultId).toList());
  }

  /** Whether this window overlaps [from, to]. */
  boolean overlaps(Instant from, Instant to) {
    return start.isBefore(to) && end.isAfter(from);
  }

  /** The two windows as one: summed counts, request-weighted p95, union of spans and faults. */
  WindowSample merge(WindowSample o) {
    long n = requests + o.requests;
    double p95 = n > 0 ? (p95Ms * requests + o.p95Ms * o.requests) / n : (p95Ms + o.p95Ms) / 2;
    LinkedHashSet<String> ids = new LinkedHashSet<>();
    if (faults != null) {
      ids.addAll(faults);
    }
    if (o.faults != null) {
      ids.addAll(o.faults);
    }
    return new WindowSample(
        start.isBefore(o.start) ? start : o.start,
        end.isAfter(o.end) ? end : o.end,
        n,
        errors + o.errors,
        p95,
        new ArrayList<>(ids));
  }
}
