package dev.aegis.orchestrator.judgment.stats;

/**
 * The few special functions the tests need: the standard normal distribution and the log-gamma
 * function. Written out here because the core may import {@code java.*} only.
 */
public final class Distributions {

  private static final double LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

  /** Lanczos approximation, g = 7, n = 9 (relative error below 1e-15 for positive arguments). */
  private static final double[] LANCZOS = {
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
    -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
    1.5056327351493116e-7
  };

  private Distributions() {}

  /** P(Z <= z) for a standard normal Z. */
  public static double normalCdf(double z) {
    return 0.5 * erfc(-z / Math.sqrt(2));
  }

  /** P(Z >= z) for a standard normal Z, accurate in the far tail (no 1 - cdf cancellation). */
  public static double normalSf(double z) {
    return 0.5 * erfc(z / Math.sqrt(2));
  }

  /**
   * The complementary error function, by the Chebyshev fit of Press et al., Numerical Recipes (2nd
   * ed., section 6.2): fractional error below 1.2e-7 everywhere, enough for p-values.
   */
  static double erfc(double x) {
    double z = Math.abs(x);
    double t = 1 / (1 + 0.5 * z);
    double poly =
        -z * z
            - 1.26551223
            + t
                * (1.00002368
                    + t
                        * (0.37409196
                            + t
                                * (0.09678418
                                    + t
                                        * (-0.18628806
                                            + t
                                                * (0.27886807
                                                    + t
                                                        * (-1.13520398
                                                            + t
                                                                * (1.48851587
                                                                    + t
                                                                        * (-0.82215223
                                                                            + t
                                                                                * 0.17087277))))))));
    double ans = t * Math.exp(poly);
    return x >= 0 ? ans : 2 - ans;
  }

  /** ln Γ(x) for x > 0. */
  public static double logGamma(double x) {
    if (x < 0.5) {
      // Reflection: Γ(x)Γ(1-x) = π / sin(πx).
      return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
    }
    double y = x - 1;
    double a = LANCZOS[0];
    for (int i = 1; i < LANCZOS.length; i++) {
      a += LANCZOS[i] / (y + i);
    }
    double t = y + 7.5;
    return LN_SQRT_2PI + (y + 0.5) * Math.log(t) - t + Math.log(a);
  }

  /**
   * P(T >= t) for Student's t with {@code df} degrees of freedom (df > 0, not necessarily whole):
   * {@code ½ · I_{df/(df+t²)}(df/2, ½)} for t ≥ 0, by symmetry otherwise. A quasi-binomial test
   * whose dispersion was estimated from the windows refers its statistic to this distribution.
   */
  public static double studentTSf(double t, double df) {
    if (!(df > 0)) {
      throw new IllegalArgumentException("degrees of freedom must be positive, was " + df);
    }
    double tail = 0.5 * regularizedBeta(df / (df + t * t), df / 2, 0.5);
    return t >= 0 ? tail : 1 - tail;
  }

  /**
   * The regularized incomplete beta function I_x(a, b), by the continued fraction of Press et al.,
   * Numerical Recipes (2nd ed., section 6.4), evaluated on whichever side converges quickly.
   */
  static double regularizedBeta(double x, double a, double b) {
    if (x <= 0) {
      return 0;
    }
    if (x >= 1) {
      return 1;
    }
    double front =
        Math.exp(
            logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
    if (x < (a + 1) / (a + b + 2)) {
      return front * betaContinuedFraction(x, a, b) / a;
    }
    return 1 - front * betaContinuedFraction(1 - x, b, a) / b;
  }

  private static double betaContinuedFraction(double x, double a, double b) {
    double tiny = 1e-300;
    double c = 1;
    double d = 1 - (a + b) * x / (a + 1);
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    double h = d;
    for (int m = 1; m <= 500; m++) {
      int m2 = 2 * m;
      double even = m * (b - m) * x / ((a - 1 + m2) * (a + m2));
      d = 1 + even * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + even / c;
      c = Math.abs(c) < tiny ? tiny : c;
      h *= d * c;
      double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + 1 + m2));
      d = 1 + odd * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + odd / c;
      c = Math.abs(c) < tiny ? tiny : c;
      double step = d * c;
      h *= step;
      if (Math.abs(step - 1) < 1e-15) {
        break;
      }
    }
    return h;
  }

  /** ln C(n, k). */
  public static double logChoose(long n, long k) {
    return logGamma(n + 1.0) - logGamma(k + 1.0) - logGamma(n - k + 1.0);
  }
}
