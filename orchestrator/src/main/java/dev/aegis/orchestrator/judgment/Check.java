package dev.aegis.orchestrator.judgment;

/**
 * One check of a judgment: what was observed, the threshold, how they compare, whether it passed,
 * and, for the metrics Aegis judges, how it was classified and why.
 *
 * @param name a stable identifier, one of the constants below
 * @param comparison how {@code observed} must relate to {@code threshold} to pass: "<", "<=" or
 *     ">="; a comparison with the baseline must in addition be significant to fail (see {@code
 *     test})
 * @param classification PASS / HIGH / LOW / NODATA for the metrics (SLO, severe and comparison
 *     checks); null for the evidence checks (min-requests, min-duration, silence)
 * @param baseline the reference track's value of a comparison check (error rate, or median window
 *     p95 in ms), else null
 * @param test the statistical test behind a comparison check, null when none ran
 * @param explanation one line in plain terms, or null
 */
public record Check(
    String name,
    double observed,
    double threshold,
    String comparison,
    boolean passed,
    Classification classification,
    Double baseline,
    Comparison test,
    String explanation) {

  public static final String ERROR_RATE = "error-rate";
  public static final String P95_LATENCY = "p95-latency";
  public static final String ERROR_RATE_COMPARISON = "error-rate-comparison";
  public static final String P95_LATENCY_COMPARISON = "p95-latency-comparison";
  public static final String ERROR_RATE_SEQUENTIAL = "error-rate-sequential";
  public static final String P95_LATENCY_SEQUENTIAL = "p95-latency-sequential";
  public static final String ERROR_RATE_SLO_SEQUENTIAL = "error-rate-slo-sequential";
  public static final String SEVERE_ERROR_RATE = "severe-error-rate";
  public static final String SEVERE_P95_LATENCY = "severe-p95-latency";
  public static final String MIN_REQUESTS = "min-requests";
  public static final String MIN_DURATION = "min-duration";

  /**
   * Evidence: the e-value the error-rate comparison would expect by now had the canary been {@code
   * detectableErrorRatio}× worse, against its threshold; its explanation says how many more windows
   * and minutes it needs at the current traffic.
   */
  public static final String ERROR_RATE_POWER = "error-rate-power";

  /** Production: the SLO error budget burned faster than an alert rule allows. */
  public static final String SLO_BURN_RATE = "slo-burn-rate";

  /** Production: CPU utilization. */
  public static final String CPU = "cpu";

  public static final String SILENCE = "silence";

  /** A check without classification or statistics (the shape of issue 2's checks). */
  public Check(String name, double observed, double threshold, String comparison, boolean passed) {
    this(name, observed, threshold, comparison, passed, null, null, null, null);
  }

  /** A check that passes when {@code observed < threshold}. */
  public static Check below(String name, double observed, double threshold) {
    return new Check(name, observed, threshold, "<", observed < threshold);
  }

  /** A check that passes when {@code observed >= threshold}. */
  public static Check atLeast(String name, double observed, double threshold) {
    return new Check(name, observed, threshold, ">=", observed >= threshold);
  }

  /** A metric against an absolute limit: PASS when {@code observed < threshold}, else HIGH. */
  static Check limit(String name, double observed, double threshold, String explanation) {
    boolean ok = observed < threshold;
    return new Check(
        name,
        observed,
        threshold,
        "<",
        ok,
        ok ? Classification.PASS : Classification.HIGH,
        null,
        null,
        explanation);
  }

  /**
   * Whether this check is about the candidate's quality (rather than about having enough evidence).
   */
  public boolean isSloCheck() {
    return switch (name) {
      case ERROR_RATE,
          P95_LATENCY,
          ERROR_RATE_COMPARISON,
          P95_LATENCY_COMPARISON,
          ERROR_RATE_SEQUENTIAL,
          P95_LATENCY_SEQUENTIAL,
          ERROR_RATE_SLO_SEQUENTIAL,
          SEVERE_ERROR_RATE,
          SEVERE_P95_LATENCY,
          SLO_BURN_RATE,
          CPU ->
          true;
      default -> false;
    };
  }

  /** Whether this check compares the canary with its baseline (or stable) track. */
  public boolean comparesWithReference() {
    return ERROR_RATE_COMPARISON.equals(name) || P95_LATENCY_COMPARISON.equals(name);
  }
}
