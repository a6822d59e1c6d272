package dev.aegis.orchestrator.judgment.stats;

import java.util.Arrays;

/**
 * The Mann-Whitney U test (Wilcoxon rank-sum) of a canary sample against a baseline sample, here
 * the per-window p95 latencies of each. Distribution-free, so a few slow windows do not dominate as
 * they would a t-test.
 *
 * <p>U is the canary's: the number of (canary, baseline) pairs where the canary value is larger,
 * ties counting one half. Without ties and with at most {@value #MAX_EXACT} values in all, the
 * p-values are exact (the null distribution of U, counted as the coefficients of a Gaussian
 * binomial); otherwise the normal approximation with tie correction and continuity correction is
 * used.
 */
public final class MannWhitney {

  /**
   * Up to this many values in all, untied samples get exact p-values (the counts fit in a long).
   */
  static final int MAX_EXACT = 60;

  private MannWhitney() {}

  public static TestResult test(double[] canary, double[] baseline) {
    int n1 = canary.length;
    int n2 = baseline.length;
    if (n1 == 0 || n2 == 0) {
      throw new IllegalArgumentException("both samples need at least one value");
    }
    Ranked ranked = Ranked.of(canary, baseline);
    double u = ranked.canaryRankSum - n1 * (n1 + 1) / 2.0;
    if (!ranked.tied && n1 + n2 <= MAX_EXACT) {
      return exact(n1, n2, (long) u);
    }
    return normal(n1, n2, u, ranked.tieTerm);
  }

  /**
   * The smallest one-sided p-value samples of these sizes can reach (all canary values above all
   * baseline values, no ties): 1 / C(n1 + n2, n1). A sample whose best case is not significant is
   * too small to judge.
   */
  public static double smallestPValue(int n1, int n2) {
    if (n1 == 0 || n2 == 0) {
      return 1;
    }
    return Math.exp(-Distributions.logChoose(n1 + n2, n1));
  }

  private static TestResult exact(int n1, int n2, long u) {
    long[] counts = uDistribution(n1, n2);
    long total = 0;
    long atLeast = 0;
    long atMost = 0;
    for (int k = 0; k < counts.length; k++) {
      total += counts[k];
      if (k >= u) {
        atLeast += counts[k];
      }
      if (k <= u) {
        atMost += counts[k];
      }
    }
    return new TestResult(
        TestResult.MANN_WHITNEY_EXACT, u, (double) atLeast / total, (double) atMost / total);
  }

  /**
   * How many of the C(n1+n2, n1) equally likely rank arrangements give U = k, for k = 0..n1·n2: the
   * coefficients of the Gaussian binomial [n1+n2 choose n1]_q = Π_{j=1..n1} (1 - q^(n2+j)) / (1 -
   * q^j), built one factor at a time (each partial product is itself a Gaussian binomial, so stays
   * integral).
   */
  static long[] uDistribution(int n1, int n2) {
    long[] c = new long[n1 * n2 + n1 + n2 + 1];
    c[0] = 1;
    int degree = 0;
    for (int j = 1; j <= n1; j++) {
      int k = n2 + j;
      for (int d = degree + k; d >= k; d--) {
        c[d] -= c[d - k];
      }
      degree += k;
      for (int d = j; d <= degree; d++) {
        c[d] += c[d - j];
      }
      degree -= j;
    }
    return Arrays.copyOf(c, n1 * n2 + 1);
  }

  private static TestResult normal(int n1, int n2, double u, double tieTerm) {
    double n = n1 + n2;
    double mean = n1 * (double) n2 / 2;
    double variance = n1 * (double) n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1)));
    if (!(variance > 0)) {
      return new TestResult(TestResult.MANN_WHITNEY_NORMAL, u, 1, 1); // every value tied
    }
    double sd = Math.sqrt(variance);
    double pHigher = Distributions.normalSf((u - mean - 0.5) / sd);
    double pLower = Distributions.normalCdf((u - mean + 0.5) / sd);
    return new TestResult(TestResult.MANN_WHITNEY_NORMAL, u, pHigher, pLower);
  }

  /**
   * Mid-ranks of the pooled sample: the canary's rank sum, whether any value is tied, Σ(t³ - t).
   */
  private record Ranked(double canaryRankSum, boolean tied, double tieTerm) {
    static Ranked of(double[] canary, double[] baseline) {
      int n = canary.length + baseline.length;
      double[][] pooled = new double[n][];
      for (int i = 0; i < canary.length; i++) {
        pooled[i] = new double[] {canary[i], 1};
      }
      for (int i = 0; i < baseline.length; i++) {
        pooled[canary.length + i] = new double[] {baseline[i], 0};
      }
      Arrays.sort(pooled, (a, b) -> Double.compare(a[0], b[0]));
      double rankSum = 0;
      double tieTerm = 0;
      for (int i = 0; i < n; ) {
        int j = i;
        while (j + 1 < n && pooled[j + 1][0] == pooled[i][0]) {
          j++;
        }
        double midRank = (i + j) / 2.0 + 1;
        long t = j - i + 1;
        tieTerm += (double) t * t * t - t;
        for (int k = i; k <= j; k++) {
          rankSum += pooled[k][1] * midRank;
        }
        i = j + 1;
      }
      return new Ranked(rankSum, tieTerm > 0, tieTerm);
    }
  }
}
