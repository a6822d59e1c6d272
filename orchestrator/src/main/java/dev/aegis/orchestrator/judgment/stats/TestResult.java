package dev.aegis.orchestrator.judgment.stats;

/**
 * The outcome of comparing a canary sample with a baseline sample: the test's name, its statistic,
 * and both one-sided p-values, so a caller can ask "is the canary higher?" and "is it lower?" of
 * one run.
 *
 * @param test a stable name: {@link #TWO_PROPORTION_Z}, {@link #QUASI_BINOMIAL_T}, {@link
 *     #FISHER_EXACT}, {@link #MANN_WHITNEY_EXACT} or {@link #MANN_WHITNEY_NORMAL}
 * @param statistic z for the two-proportion test, t for the quasi-binomial one (both of the higher
 *     side), the canary's error count for Fisher's test, U of the canary sample for Mann-Whitney
 * @param pHigher p-value of the one-sided alternative "the canary is higher than the baseline"
 * @param pLower p-value of the one-sided alternative "the canary is lower than the baseline"
 */
public record TestResult(String test, double statistic, double pHigher, double pLower) {

  public static final String TWO_PROPORTION_Z = "two-proportion-z";
  public static final String QUASI_BINOMIAL_T = "quasi-binomial-t";
  public static final String FISHER_EXACT = "fisher-exact";
  public static final String MANN_WHITNEY_EXACT = "mann-whitney-u-exact";
  public static final String MANN_WHITNEY_NORMAL = "mann-whitney-u-normal";

  /** The anytime error-rate comparison: conditional binomial mSPRT (names its Comparison). */
  public static final String MSPRT_CONDITIONAL_BINOMIAL = "msprt-conditional-binomial";

  /** The anytime p95 comparison: betting on per-window log-ratios. */
  public static final String BETTING_LOG_P95_RATIO = "betting-log-p95-ratio";

  /** The anytime error-rate SLO test: one-sample binomial mSPRT. */
  public static final String MSPRT_BINOMIAL = "msprt-binomial";

  public TestResult {
    pHigher = clamp(pHigher);
    pLower = clamp(pLower);
  }

  /** The smaller one-sided p-value: the evidence for whichever direction the data leans. */
  public double pValue() {
    return Math.min(pHigher, pLower);
  }

  /** Whether the canary leans higher than the baseline. */
  public boolean leansHigher() {
    return pHigher < pLower;
  }

  /** Rounding can push a tail sum a hair outside [0, 1]; a p-value never is. */
  private static double clamp(double p) {
    return Math.max(0, Math.min(1, p));
  }
}
