package dev.aegis.orchestrator.lifecycle.stats;

/**
 * Compares two error rates (errors out of requests): the canary's {@code x1/n1} with the baseline's
 * {@code x2/n2}. Large counts use the pooled two-proportion z-test; small counts, where the normal
 * approximation is poor, use Fisher's exact test (see {@link #needsExactTest}).
 */
public final class Proportions {

  /** The classic rule of thumb for the normal approximation: every expected cell at least 5. */
  static final double MIN_EXPECTED_CELL = 5;

  private Proportions() {}

  /** The z-test or Fisher's exact test, whichever suits the counts. */
  public static TestResult compare(long x1, long n1, long x2, long n2) {
    return needsExactTest(x1, n1, x2, n2) ? fisherExact(x1, n1, x2, n2) : twoProportionZ(x1, n1, x2, n2);
  }

  /**
   * Whether any cell of the 2×2 table (errors / successes × canary / baseline) has an expected count
   * below {@value #MIN_EXPECTED_CELL} under the null hypothesis of equal rates.
   */
  public static boolean needsExactTest(long x1, long n1, long x2, long n2) {
    double total = n1 + n2;
    double errors = x1 + x2;
    double successes = total - errors;
    double smallestColumn = Math.min(errors, successes);
    double smallestRow = Math.min(n1, n2);
    return smallestRow * smallestColumn / total < MIN_EXPECTED_CELL;
  }

  /**
   * The pooled two-proportion z-test: z = (p1 - p2) / sqrt(p(1-p)(1/n1 + 1/n2)) with p the pooled rate.
   * Identical rates of 0 or 1 (no variance) give z = 0 and p-values of 1.
   */
  public static TestResult twoProportionZ(long x1, long n1, long x2, long n2) {
    requireCounts(x1, n1, x2, n2);
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    double pooled = (double) (x1 + x2) / (n1 + n2);
    double se = Math.sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
    if (se == 0) {
      return new TestResult(TestResult.TWO_PROPORTION_Z, 0, 1, 1);
    }
    double z = (p1 - p2) / se;
    return new TestResult(TestResult.TWO_PROPORTION_Z, z, Distributions.normalSf(z), Distributions.normalCdf(z));
  }

  /**
   * Fisher's exact test on the table [[x1, n1-x1], [x2, n2-x2]]: with the margins fixed, the canary's
   * error count X is hypergeometric; pHigher = P(X >= x1), pLower = P(X <= x1). The statistic is x1.
   */
  public static TestResult fisherExact(long x1, long n1, long x2, long n2) {
    requireCounts(x1, n1, x2, n2);
    long total = n1 + n2;
    long errors = x1 + x2;
    long lowest = Math.max(0, n1 - (total - errors));
    long highest = Math.min(errors, n1);
    double logAll = Distributions.logChoose(total, n1);
    double higher = 0;
    double lower = 0;
    for (long k = lowest; k <= highest; k++) {
      double p = Math.exp(Distributions.logChoose(errors, k)
          + Distributions.logChoose(total - errors, n1 - k) - logAll);
      if (k >= x1) {
        higher += p;
      }
      if (k <= x1) {
        lower += p;
      }
    }
    return new TestResult(TestResult.FISHER_EXACT, x1, higher, lower);
  }

  private static void requireCounts(long x1, long n1, long x2, long n2) {
    if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
      throw new IllegalArgumentException("counts must satisfy 0 <= errors <= requests, requests > 0; got "
          + x1 + "/" + n1 + " and " + x2 + "/" + n2);
    }
  }
}
