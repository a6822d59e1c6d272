package dev.aegis.orchestrator.judgment.stats;

/**
 * The pieces of Aegis's anytime-valid tests (docs/judgment.md, "Anytime tests"): log likelihood
 * ratios that are test supermartingale increments under their null hypotheses, the latency bet, and
 * the exact binomial tail of the step-end SLO test. Pure functions; the state they update lives in
 * {@code judgment.Sequential}.
 *
 * <p>An e-process multiplies such factors window by window; by Ville's inequality it reaches 1/α
 * with probability at most α under its null, whenever and however often it is looked at.
 */
public final class EValues {

  private static final double LN_1_5 = Math.log(1.5);

  private EValues() {}

  /**
   * The canary's share of the errors of one window pair when the canary's error rate is {@code
   * ratio} × the reference's and it served {@code f} = n_c / n_b as many requests: ρf / (ρf + 1).
   */
  public static double canaryShare(double ratio, double f) {
    return ratio * f / (ratio * f + 1);
  }

  /**
   * ln of the conditional binomial likelihood ratio of one window pair: given k = x_c + x_b errors,
   * x_c ~ Bin(k, p(ρ)); the alternative ρ = {@code bet} against the tolerated {@code theta}. Its
   * expectation is 1 at ρ = θ and at most 1 below it, for any bet fixed beforehand.
   */
  public static double conditionalLogRatio(
      double canaryErrors, double referenceErrors, double f, double theta, double bet) {
    double p0 = canaryShare(theta, f);
    double p1 = canaryShare(bet, f);
    return canaryErrors * Math.log(p1 / p0) + referenceErrors * Math.log((1 - p1) / (1 - p0));
  }

  /**
   * The expected ln e-value one window pair adds to the error-rate comparison when the canary's
   * error rate really is {@code ratio} × the reference's {@code referenceRate}: the expected number
   * of errors in the pair, times the Kullback-Leibler divergence of the canary's share of them
   * under that ratio from its share under the tolerated {@code theta}, tempered as the test tempers
   * a real window (by {@code dispersion}, and to at most {@code cap} errors' worth of evidence). It
   * measures the test's power: summed over windows it is how far the e-process would have climbed.
   */
  public static double expectedLogGrowth(
      double canaryRequests,
      double referenceRequests,
      double referenceRate,
      double theta,
      double ratio,
      double dispersion,
      double cap) {
    if (canaryRequests <= 0 || referenceRequests <= 0 || referenceRate <= 0) {
      return 0;
    }
    double f = canaryRequests / referenceRequests;
    double p0 = canaryShare(theta, f);
    double p1 = canaryShare(ratio, f);
    double divergence = p1 * Math.log(p1 / p0) + (1 - p1) * Math.log((1 - p1) / (1 - p0));
    double expectedErrors = referenceRate * (ratio * canaryRequests + referenceRequests);
    return expectedErrors * divergence / Math.max(dispersion, expectedErrors / cap);
  }

  /**
   * ln of the one-sample binomial likelihood ratio of {@code errors} in {@code requests} at rate
   * {@code bet} against {@code limit}.
   */
  public static double binomialLogRatio(double errors, double requests, double limit, double bet) {
    return errors * Math.log(bet / limit) + (requests - errors) * Math.log((1 - bet) / (1 - limit));
  }

  /**
   * The latency outcome of one window pair: clip((ln(c95 / r95) − τ) / ln 1.5, −1, 1), τ = ln(1 +
   * tolerance). An odd nondecreasing clip of D − τ, so it has mean ≤ 0 whenever D is symmetric
   * about a centre ≤ τ.
   */
  public static double latencyOutcome(double canaryP95, double referenceP95, double tolerance) {
    double d = Math.log(canaryP95 / referenceP95) - Math.log1p(tolerance);
    return Math.max(-1, Math.min(1, d / LN_1_5));
  }

  /** ln(1 + λg): the log wealth factor of betting {@code lambda} on outcome {@code g} ∈ [−1, 1]. */
  public static double logBetFactor(double lambda, double g) {
    return Math.log1p(lambda * g);
  }

  /**
   * The aGRAPA bet from earlier outcomes: 0 when their mean is ≤ 0, else min(0.95, mean / mean
   * square). At most 0.95, so the wealth never reaches 0.
   */
  public static double agrapaLambda(int count, double sum, double sumSquares) {
    if (count == 0 || sum <= 0 || sumSquares <= 0) {
      return 0;
    }
    return Math.min(0.95, sum / sumSquares);
  }

  /** P(X ≥ x) for X ~ Bin(n, p), exact: I_p(x, n − x + 1). */
  public static double binomialUpperTail(long x, long n, double p) {
    if (x <= 0) {
      return 1;
    }
    if (x > n) {
      return 0;
    }
    return Distributions.regularizedBeta(p, x, n - x + 1);
  }

  /** The standard normal quantile, by bisection on {@link Distributions#normalCdf}. */
  public static double normalQuantile(double p) {
    if (p <= 0 || p >= 1) {
      throw new IllegalArgumentException("p must be within (0, 1), was " + p);
    }
    double lo = -40;
    double hi = 40;
    for (int i = 0; i < 200 && hi - lo > 1e-12; i++) {
      double mid = (lo + hi) / 2;
      if (Distributions.normalCdf(mid) < p) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    return (lo + hi) / 2;
  }
}
