package dev.aegis.orchestrator.production.slo;

import java.time.Duration;

/**
 * The burn rate of one sliding window, ending at the tracker's event-time watermark.
 *
 * @param window the window's span, e.g. 1 h
 * @param requests requests seen in the window (fractional: a health window straddling the window's
 *     start counts in proportion to its overlap)
 * @param errors failed requests seen in the window, likewise
 * @param coverage share of the span covered by health windows, {@code 0..1}
 * @param burnRate (errors ÷ requests) ÷ error budget over what was seen; {@code 0} without requests
 */
public record BurnRate(
    Duration window, double requests, double errors, double coverage, double burnRate) {

  static BurnRate of(
      Duration window, double requests, double errors, double coverage, double budget) {
    double rate = requests > 0 ? errors / requests / budget : 0.0;
    return new BurnRate(window, requests, errors, Math.min(1.0, coverage), rate);
  }

  /** The error ratio seen, {@code 0} without requests. */
  public double errorRatio() {
    return requests > 0 ? errors / requests : 0.0;
  }

  /** Whether any health window covered part of this window. */
  public boolean hasData() {
    return coverage > 0;
  }

  /**
   * The burn rate a firing decision uses (see the coverage rule in {@link SloPolicy}): as seen once
   * {@code coverage >= minCoverage}, else scaled by coverage, as if the unseen part had been
   * error-free.
   */
  public double firingBurnRate(double minCoverage) {
    return coverage >= minCoverage ? burnRate : burnRate * coverage;
  }

  /** Whether this window supports firing a rule of {@code factor} under {@code policy}. */
  boolean canFire(double factor, SloPolicy policy) {
    return requests >= policy.minRequests() && firingBurnRate(policy.minCoverage()) > factor;
  }

  /** Whether this window, having seen data, lets a rule of {@code factor} resolve. */
  boolean canResolve(double factor) {
    return hasData() && burnRate <= factor;
  }
}
