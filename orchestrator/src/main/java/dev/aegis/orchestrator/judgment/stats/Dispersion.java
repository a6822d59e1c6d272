package dev.aegis.orchestrator.judgment.stats;

import java.util.function.IntPredicate;

/**
 * How much more per-window error counts scatter than a binomial would: Pearson's χ² of each track's
 * windows around the track's own rate over a step, Σ (xᵢ - nᵢp̂)² / (nᵢp̂(1-p̂)), with one degree
 * of freedom per window less one per track. Under independent requests χ² / df ≈ 1; bursty errors
 * give more. φ = max(1, χ²/df) is the quasi-binomial dispersion (McCullagh and Nelder, Generalized
 * Linear Models, 2nd ed., section 4.5.2): a test never assumes less variance than a binomial.
 *
 * @param chiSquare Pearson's χ² summed over the tracks
 * @param df its degrees of freedom: windows with requests less one per track with errors
 */
public record Dispersion(double chiSquare, int df) {

  /** No dispersion estimated: φ = 1, the binomial. */
  public static final Dispersion NONE = new Dispersion(0, 0);

  /**
   * One track's windows. A track without errors (or with nothing but errors) says nothing about the
   * scatter of its rate and contributes nothing.
   */
  public static Dispersion pearson(long[] requests, long[] errors) {
    return pearson(requests, errors, requests.length);
  }

  /** {@link #pearson(long[], long[])} of the first {@code length} windows. */
  public static Dispersion pearson(long[] requests, long[] errors, int length) {
    return pearson(requests, errors, length, i -> true);
  }

  /**
   * {@link #pearson(long[], long[])} of the windows among the first {@code length} that {@code
   * counted} takes (by index): read in place, where a copy of those windows would be two arrays for
   * every window judged.
   */
  public static Dispersion pearson(
      long[] requests, long[] errors, int length, IntPredicate counted) {
    long n = 0;
    long x = 0;
    int windows = 0;
    for (int i = 0; i < length; i++) {
      if (requests[i] > 0 && counted.test(i)) {
        n += requests[i];
        x += errors[i];
        windows++;
      }
    }
    if (x == 0 || x == n || windows < 2) {
      return NONE;
    }
    double p = (double) x / n;
    double chi = 0;
    for (int i = 0; i < length; i++) {
      if (requests[i] > 0 && counted.test(i)) {
        double expected = requests[i] * p;
        double d = errors[i] - expected;
        chi += d * d / (expected * (1 - p));
      }
    }
    return new Dispersion(chi, windows - 1);
  }

  /**
   * This dispersion at the upper end of its one-sided {@code confidence} interval: φ = χ² / the (1
   * − confidence) quantile of χ² on {@link #df} degrees of freedom (Wilson-Hilferty), so a test
   * that uses it assumes at least as much scatter as the windows could plausibly have. Unchanged
   * without degrees of freedom.
   */
  public Dispersion upperBound(double confidence) {
    if (df == 0) {
      return this;
    }
    double k = df;
    double z = EValues.normalQuantile(1 - confidence);
    double cube = 1 - 2 / (9 * k) + z * Math.sqrt(2 / (9 * k));
    double quantile = k * Math.pow(Math.max(cube, 1e-3), 3);
    return new Dispersion(chiSquare / quantile * df, df);
  }

  /** The two tracks' evidence together. */
  public Dispersion plus(Dispersion other) {
    return new Dispersion(chiSquare + other.chiSquare, df + other.df);
  }

  /** φ = max(1, χ²/df); 1 without degrees of freedom. */
  public double phi() {
    return df == 0 ? 1 : Math.max(1, chiSquare / df);
  }

  /**
   * Whether the windows scatter more than a binomial: the test then uses Student's t on {@link
   * #df}.
   */
  public boolean estimated() {
    return phi() > 1;
  }
}
