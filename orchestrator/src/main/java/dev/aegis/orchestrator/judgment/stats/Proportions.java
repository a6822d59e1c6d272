package dev.aegis.orchestrator.judgment.stats;

/**
 * Compares two error rates (errors out of requests): the canary's {@code x1/n1} with the baseline's
 * {@code x2/n2}. Large counts use a two-proportion z-test, small counts, where the normal
 * approximation is poor, Fisher's exact test (see {@link #needsExactTest}).
 *
 * <p>The canary's "higher" side is tested against a <em>shifted</em> null hypothesis, H0: p1 ≤ θ ·
 * p2, with θ = 1 + tolerance, so a tolerated increase is part of the null instead of an effect-size
 * gate applied after a test of equality. The z-test evaluates its variance at the restricted
 * maximum likelihood estimates under that null (Farrington and Manning, Statistics in Medicine 9,
 * 1990; with θ = 1 it is the classic pooled z-test). Its variance can be inflated by a dispersion φ
 * estimated from per-window counts ({@link Dispersion}): error streams come in bursts, so requests
 * are not independent trials, and a z-test that treats them so finds chance differences
 * "significant" over tens of thousands of requests. With φ estimated above 1 the statistic is
 * referred to Student's t with the dispersion's degrees of freedom (quasi-binomial inference,
 * McCullagh and Nelder, Generalized Linear Models, 2nd ed., section 4.5). The "lower" side always
 * tests H0: p1 ≥ p2 (is the canary better at all).
 */
public final class Proportions {

  /** The classic rule of thumb for the normal approximation: every expected cell at least 5. */
  static final double MIN_EXPECTED_CELL = 5;

  private Proportions() {}

  /** The z-test or Fisher's exact test of equal rates, whichever suits the counts. */
  public static TestResult compare(long x1, long n1, long x2, long n2) {
    return compare(x1, n1, x2, n2, 1, Dispersion.NONE);
  }

  /**
   * The canary against {@code ratio} times the baseline's rate (H0: p1 ≤ ratio · p2), with the
   * variance inflated by {@code dispersion}; Fisher's exact test (noncentral, odds ratio {@code
   * ratio}) when the counts are small. Fisher's test is not inflated: it is used when errors are
   * few, where the binomial variance dominates any burstiness.
   */
  public static TestResult compare(
      long x1, long n1, long x2, long n2, double ratio, Dispersion dispersion) {
    return needsExactTest(x1, n1, x2, n2)
        ? fisherExact(x1, n1, x2, n2, ratio)
        : ratioZ(x1, n1, x2, n2, ratio, dispersion);
  }

  /**
   * Whether any cell of the 2×2 table (errors / successes × canary / baseline) has an expected
   * count below {@value #MIN_EXPECTED_CELL} under the null hypothesis of equal rates.
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
   * The pooled two-proportion z-test: z = (p1 - p2) / sqrt(p(1-p)(1/n1 + 1/n2)) with p the pooled
   * rate. Identical rates of 0 or 1 (no variance) give z = 0 and p-values of 1.
   */
  public static TestResult twoProportionZ(long x1, long n1, long x2, long n2) {
    return ratioZ(x1, n1, x2, n2, 1, Dispersion.NONE);
  }

  /**
   * The Farrington-Manning test of H0: p1 ≤ θ·p2: z = (p̂1 - θ p̂2) / sqrt(φ (p̃1(1-p̃1)/n1 + θ²
   * p̃2(1-p̃2)/n2)), p̃ the restricted maximum likelihood estimates (p̃1 = θ p̃2). pHigher is its
   * upper tail (normal, or Student's t when φ was estimated above 1); pLower is the lower tail of
   * the same test with θ = 1. The statistic reported is the z (or t) of the higher side.
   */
  public static TestResult ratioZ(
      long x1, long n1, long x2, long n2, double theta, Dispersion dispersion) {
    requireCounts(x1, n1, x2, n2);
    if (!(theta > 0)) {
      throw new IllegalArgumentException("ratio must be positive, was " + theta);
    }
    double higher = statistic(x1, n1, x2, n2, theta, dispersion.phi());
    double lower = theta == 1 ? higher : statistic(x1, n1, x2, n2, 1, dispersion.phi());
    if (Double.isNaN(higher)) {
      return new TestResult(
          name(dispersion), 0, 1, Double.isNaN(lower) ? 1 : lowerTail(lower, dispersion));
    }
    return new TestResult(
        name(dispersion),
        higher,
        upperTail(higher, dispersion),
        Double.isNaN(lower) ? 1 : lowerTail(lower, dispersion));
  }

  private static String name(Dispersion d) {
    return d.estimated() ? TestResult.QUASI_BINOMIAL_T : TestResult.TWO_PROPORTION_Z;
  }

  private static double upperTail(double z, Dispersion d) {
    return d.estimated() ? Distributions.studentTSf(z, d.df()) : Distributions.normalSf(z);
  }

  private static double lowerTail(double z, Dispersion d) {
    return d.estimated() ? Distributions.studentTSf(-z, d.df()) : Distributions.normalCdf(z);
  }

  /**
   * The Farrington-Manning statistic, or NaN when its variance is 0 (no errors, or nothing but
   * errors).
   */
  private static double statistic(long x1, long n1, long x2, long n2, double theta, double phi) {
    double p1 = (double) x1 / n1;
    double p2 = (double) x2 / n2;
    // Restricted MLE of p2 under p1 = θ p2: the smaller root of θN p² - (θ n1 + x1 + n2 + θ x2) p +
    // (x1 + x2).
    double a = theta * (n1 + n2);
    double b = -(theta * n1 + x1 + n2 + theta * x2);
    double c = x1 + x2;
    double root = Math.sqrt(Math.max(0, b * b - 4 * a * c));
    double q2 = Math.min(1, (-b - root) / (2 * a));
    double q1 = Math.min(1, theta * q2);
    double variance = phi * (q1 * (1 - q1) / n1 + theta * theta * q2 * (1 - q2) / n2);
    if (!(variance > 0)) {
      return Double.NaN;
    }
    return (p1 - theta * p2) / Math.sqrt(variance);
  }

  /**
   * Fisher's exact test on the table [[x1, n1-x1], [x2, n2-x2]]: with the margins fixed, the
   * canary's error count X is hypergeometric; pHigher = P(X >= x1), pLower = P(X <= x1). The
   * statistic is x1.
   */
  public static TestResult fisherExact(long x1, long n1, long x2, long n2) {
    return fisherExact(x1, n1, x2, n2, 1);
  }

  /**
   * Fisher's exact test with the higher side against odds ratio {@code omega} (Fisher's noncentral
   * hypergeometric distribution, H0: odds ratio ≤ ω), the lower side against 1. At error rates of a
   * few percent the odds ratio and the rate ratio differ by under a few percent, so ω = 1 +
   * tolerance stands for the tolerated rate ratio.
   */
  public static TestResult fisherExact(long x1, long n1, long x2, long n2, double omega) {
    requireCounts(x1, n1, x2, n2);
    double higher = tail(x1, n1, x2, n2, omega, true);
    double lower = tail(x1, n1, x2, n2, 1, false);
    return new TestResult(TestResult.FISHER_EXACT, x1, higher, lower);
  }

  /** P(X ≥ x1) (upper) or P(X ≤ x1) under the (noncentral) hypergeometric with odds ratio ω. */
  private static double tail(long x1, long n1, long x2, long n2, double omega, boolean upper) {
    long total = n1 + n2;
    long errors = x1 + x2;
    long lowest = Math.max(0, n1 - (total - errors));
    long highest = Math.min(errors, n1);
    double logOmega = Math.log(omega);
    double[] logs = new double[(int) (highest - lowest + 1)];
    double max = Double.NEGATIVE_INFINITY;
    for (long k = lowest; k <= highest; k++) {
      double l =
          Distributions.logChoose(errors, k)
              + Distributions.logChoose(total - errors, n1 - k)
              + k * logOmega;
      logs[(int) (k - lowest)] = l;
      max = Math.max(max, l);
    }
    double all = 0;
    double inTail = 0;
    for (long k = lowest; k <= highest; k++) {
      double w = Math.exp(logs[(int) (k - lowest)] - max);
      all += w;
      if (upper ? k >= x1 : k <= x1) {
        inTail += w;
      }
    }
    return inTail / all;
  }

  private static void requireCounts(long x1, long n1, long x2, long n2) {
    if (n1 <= 0 || n2 <= 0 || x1 < 0 || x2 < 0 || x1 > n1 || x2 > n2) {
      throw new IllegalArgumentException(
          "counts must satisfy 0 <= errors <= requests, requests > 0; got "
              + x1
              + "/"
              + n1
              + " and "
              + x2
              + "/"
              + n2);
    }
  }
}
