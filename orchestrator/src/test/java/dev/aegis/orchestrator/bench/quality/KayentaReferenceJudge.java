package dev.aegis.orchestrator.bench.quality;

import dev.aegis.orchestrator.judgment.stats.MannWhitney;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Kayenta's default judge (NetflixACAJudge) run by a Spinnaker-style canary stage, written from its
 * documented rules and source, on the benchmark's policy: a fixed-horizon comparison of the canary
 * with its baseline at the end of every step, with no look before it.
 *
 * <p>What it models (Kayenta, {@code kayenta-judge}: {@code NetflixACAJudge}, {@code
 * MannWhitneyClassifier}, {@code WeightedSumScorer}; Spinnaker's canary analysis docs):
 *
 * <ul>
 *   <li>one canary analysis per step, over all of the step's windows, run once the step has lasted
 *       its {@code windowsPerStep} windows; two metrics, the per-window error rate and the
 *       per-window p95, each a time series of one value per window for canary and baseline;
 *   <li>a window without requests gives NaN, replaced by 0 (Kayenta's default {@code nanStrategy}
 *       "none" replaces NaNs);
 *   <li>per metric, NetflixACAJudge's classification: identical samples, or a single distinct value
 *       over both, Pass; otherwise a two-sided Mann-Whitney test with a confidence interval at
 *       {@value #CONFIDENCE} for the location shift canary − baseline (Hodges-Lehmann), and the
 *       metric is High when the interval's lower end is above {@value #FRACTION} × |the
 *       Hodges-Lehmann estimate| (the classifier's {@code tolerance}) and the ratio of means canary
 *       / baseline is at least the effect size {@code allowedIncrease}; metrics are configured with
 *       {@code direction: increase}, so a Low canary passes;
 *   <li>score = 100 × the share of metrics that Pass (each metric in its own group, equal weights);
 *       score ≥ {@value #PASS_SCORE} passes the step (the last step passing promotes); below
 *       {@value #MARGINAL_SCORE} fails it (rollback); a marginal score in between holds the step
 *       once for another step length and analyses the whole longer step again, and anything short
 *       of a pass then fails.
 * </ul>
 *
 * <p>What it simplifies or chooses:
 *
 * <ul>
 *   <li>{@code allowedIncrease} is {@value #ALLOWED_INCREASE}, the policy's +10% tolerance that
 *       Aegis also uses (Kayenta's default is 1.0, any increase);
 *   <li>the confidence interval is found by inverting the project's {@link MannWhitney} test (its
 *       lower end is above {@code c} exactly when the canary shifted down by {@code c} is still
 *       higher at one-sided level (1 − confidence) / 2); the project's test is exact for small
 *       untied samples and normal with tie correction otherwise, where Kayenta's port of R's {@code
 *       wilcox.test} switches at 50 values per sample;
 *   <li>Kayenta's IQR outlier removal (factor 3, {@code reduceSensitivity}) widens its fences to
 *       the 1st and 99th percentiles, which remove nothing from fewer than 100 values, so it is
 *       left out; so is the tiny Gaussian noise Kayenta adds when each sample is constant;
 *   <li>no absolute SLO (Kayenta only compares), no critical metrics, no {@code NodataFailMetric}
 *       (a window always has a value after NaN replacement);
 *   <li>with two equally weighted metrics the score is 0, 50 or 100, so the marginal band is never
 *       reached: one High metric fails the step. Spinnaker itself fails a final score below the
 *       pass threshold; holding once instead follows Aegis's own extension and changes nothing
 *       here;
 *   <li>no correction for multiple comparisons (2 metrics × 3 steps), as in Kayenta.
 * </ul>
 */
final class KayentaReferenceJudge implements Judge {

  static final double CONFIDENCE = 0.98;
  static final double FRACTION = 0.25;
  static final double ALLOWED_INCREASE = 1.10;
  static final double PASS_SCORE = 95;
  static final double MARGINAL_SCORE = 75;

  /** A metric's classification; only what the scorer needs. */
  enum Classification {
    PASS,
    HIGH
  }

  private record Metric(String name, ToDoubleFunction<SimWindow> value) {}

  private static final List<Metric> METRICS =
      List.of(
          new Metric("error rate", w -> w.hasData() ? w.errorRate() : 0),
          new Metric("p95", w -> w.hasData() ? w.p95Ms() : 0));

  private final BenchPolicy policy;
  private final List<SimWindow> canary = new ArrayList<>();
  private final List<SimWindow> baseline = new ArrayList<>();
  private int step;
  private boolean held;

  KayentaReferenceJudge(BenchPolicy policy) {
    this.policy = policy;
  }

  @Override
  public Optional<Outcome> observe(SimWindow window) {
    if (window.track() == SimWindow.Track.BASELINE) {
      baseline.add(window);
      return Optional.empty();
    }
    canary.add(window);
    int due = policy.windowsPerStep() * (held ? 2 : 1);
    if (canary.size() < due) {
      return Optional.empty();
    }
    List<String> high = new ArrayList<>();
    for (Metric metric : METRICS) {
      if (classify(values(canary, metric), values(baseline, metric)) == Classification.HIGH) {
        high.add(metric.name());
      }
    }
    double score = 100.0 * (METRICS.size() - high.size()) / METRICS.size();
    String detail =
        String.format(
            Locale.ROOT,
            "step %d (%d%%) score %.0f%s",
            step + 1,
            policy.weights().get(step),
            score,
            high.isEmpty() ? "" : ", High: " + String.join(", ", high));
    if (score >= PASS_SCORE) {
      step++;
      held = false;
      canary.clear();
      baseline.clear();
      if (step == policy.weights().size()) {
        return Optional.of(new Outcome(Decision.PROMOTE, window.end(), detail));
      }
      return Optional.empty();
    }
    if (score < MARGINAL_SCORE || held) {
      return Optional.of(new Outcome(Decision.ROLLBACK, window.end(), detail));
    }
    held = true;
    return Optional.empty();
  }

  private static double[] values(List<SimWindow> windows, Metric metric) {
    return windows.stream().mapToDouble(metric.value()).toArray();
  }

  /**
   * NetflixACAJudge's classification of one metric, direction increase: High or Pass.
   *
   * @param canary the canary's values, one per window
   * @param baseline the baseline's values, one per window
   */
  static Classification classify(double[] canary, double[] baseline) {
    if (canary.length == 0 || baseline.length == 0) {
      return Classification.PASS; // no data: not scored against the canary (nanStrategy none)
    }
    double[] c = canary.clone();
    double[] b = baseline.clone();
    Arrays.sort(c);
    Arrays.sort(b);
    if (Arrays.equals(c, b)
        || (c[0] == c[c.length - 1] && c[0] == b[0] && b[0] == b[b.length - 1])) {
      return Classification.PASS;
    }
    double critical = FRACTION * Math.abs(hodgesLehmann(canary, baseline));
    boolean lowerEndAbove = lowerConfidenceAbove(canary, baseline, critical);
    return lowerEndAbove && meanRatio(canary, baseline) >= ALLOWED_INCREASE
        ? Classification.HIGH
        : Classification.PASS;
  }

  /**
   * Whether the lower end of the {@value #CONFIDENCE} confidence interval for the shift canary −
   * baseline is above {@code shift}: the canary shifted down by {@code shift} is still higher at
   * one-sided level (1 − confidence) / 2.
   */
  static boolean lowerConfidenceAbove(double[] canary, double[] baseline, double shift) {
    double[] shifted = Arrays.stream(canary).map(v -> v - shift).toArray();
    return MannWhitney.test(shifted, baseline).pHigher() < (1 - CONFIDENCE) / 2;
  }

  /** The Hodges-Lehmann estimate of the shift: the median of all differences canary − baseline. */
  static double hodgesLehmann(double[] canary, double[] baseline) {
    double[] differences = new double[canary.length * baseline.length];
    int k = 0;
    for (double c : canary) {
      for (double b : baseline) {
        differences[k++] = c - b;
      }
    }
    Arrays.sort(differences);
    int mid = differences.length / 2;
    return differences.length % 2 == 1
        ? differences[mid]
        : (differences[mid - 1] + differences[mid]) / 2;
  }

  /** Kayenta's effect size: mean canary / mean baseline, 1 when the baseline's mean is 0. */
  static double meanRatio(double[] canary, double[] baseline) {
    double b = Arrays.stream(baseline).average().orElse(0);
    return b == 0 ? 1 : Arrays.stream(canary).average().orElse(0) / b;
  }
}
