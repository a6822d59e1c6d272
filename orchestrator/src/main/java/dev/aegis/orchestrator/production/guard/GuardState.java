package dev.aegis.orchestrator.production.guard;

import java.time.Instant;

/**
 * What the guard remembers of one service's production between windows, on event time (the windows'
 * {@code windowEnd}): each signal's current breach (null: not in breach), and when it last acted.
 */
public record GuardState(
    Breach errorRate, Breach p95, Breach cpu, Instant lastScaleAt, Instant lastRollbackAt) {

  public static final GuardState CALM = new GuardState(null, null, null, null, null);

  /** A breach in progress: since when, over how many windows, and the worst value seen. */
  public record Breach(Instant since, int windows, double worst) {
    Breach add(double value) {
      return new Breach(since, windows + 1, Math.max(worst, value));
    }
  }
}
