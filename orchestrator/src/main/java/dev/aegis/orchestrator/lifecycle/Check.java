package dev.aegis.orchestrator.lifecycle;

/**
 * One check of a judgment: what was observed, the threshold, how they compare, and whether it passed.
 *
 * @param name a stable identifier, one of the constants below
 * @param comparison how {@code observed} must relate to {@code threshold} to pass: "<" or ">="
 */
public record Check(String name, double observed, double threshold, String comparison, boolean passed) {
  public static final String ERROR_RATE = "error-rate";
  public static final String P95_LATENCY = "p95-latency";
  public static final String MIN_REQUESTS = "min-requests";
  public static final String MIN_DURATION = "min-duration";
  public static final String SILENCE = "silence";

  /** A check that passes when {@code observed < threshold}. */
  public static Check below(String name, double observed, double threshold) {
    return new Check(name, observed, threshold, "<", observed < threshold);
  }

  /** A check that passes when {@code observed >= threshold}. */
  public static Check atLeast(String name, double observed, double threshold) {
    return new Check(name, observed, threshold, ">=", observed >= threshold);
  }

  /** Whether this check is about the candidate's quality (rather than about having enough evidence). */
  public boolean isSloCheck() {
    return ERROR_RATE.equals(name) || P95_LATENCY.equals(name);
  }
}
