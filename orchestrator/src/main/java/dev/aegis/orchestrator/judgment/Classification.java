package dev.aegis.orchestrator.judgment;

/**
 * How one metric of a step compares with its reference (the SLO, or the baseline track), in
 * Kayenta's terms. Every metric Aegis judges gets worse as it rises, so only HIGH fails.
 */
public enum Classification {
  /** Within the threshold, or not significantly different from the baseline. */
  PASS,
  /** Above the SLO, or significantly above the baseline by more than the tolerance. */
  HIGH,
  /** Significantly below the baseline: better, so it passes. */
  LOW,
  /**
   * Nothing to compare with (no baseline or stable windows, or too few for the test). Never fails.
   */
  NODATA;

  /** Whether the metric counts toward the score at all. */
  public boolean hasData() {
    return switch (this) {
      case PASS, HIGH, LOW -> true;
      case NODATA -> false;
    };
  }

  /** Whether the metric passes: everything but HIGH (lower is better; no data never fails). */
  public boolean passes() {
    return switch (this) {
      case PASS, LOW, NODATA -> true;
      case HIGH -> false;
    };
  }
}
