package dev.aegis.orchestrator.bench.quality;

import dev.aegis.orchestrator.judgment.stats.Dispersion;
import dev.aegis.orchestrator.judgment.stats.MannWhitney;
import dev.aegis.orchestrator.judgment.stats.Proportions;
import dev.aegis.orchestrator.judgment.stats.TestResult;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Today's fixed-horizon tests under continuous looks: on every canary window from a step's second,
 * over the step so far, the HIGH rule of issue 4's judge (the quasi-binomial comparison of error
 * rates against H0 canary ≤ 1.1 × baseline, and Mann-Whitney U over window p95s, each at α / (2 ×
 * steps) and beyond a 10% tolerance) rolls back on the first HIGH. Steps advance on time; it
 * promotes after the schedule. This is what looking at a fixed-α test after every window costs; the
 * anytime-valid tests exist because it is far above α.
 */
final class PeekingReferenceJudge implements Judge {

  static final double CONFIDENCE = 0.98;
  static final double TOLERANCE = 0.10;

  private final BenchPolicy policy;
  private final double alpha;
  private final List<SimWindow> canary = new ArrayList<>();
  private final List<SimWindow> baseline = new ArrayList<>();
  private int step;

  PeekingReferenceJudge(BenchPolicy policy) {
    this.policy = policy;
    this.alpha = (1 - CONFIDENCE) / (2.0 * policy.weights().size());
  }

  @Override
  public Optional<Outcome> observe(SimWindow window) {
    int windowStep = window.index() / policy.windowsPerStep();
    if (windowStep != step) {
      canary.clear();
      baseline.clear();
      step = windowStep;
    }
    if (window.track() == SimWindow.Track.BASELINE) {
      baseline.add(window);
      return Optional.empty();
    }
    canary.add(window);
    if (canary.size() >= 2 && !baseline.isEmpty()) {
      String high = high();
      if (high != null) {
        return Optional.of(new Outcome(Decision.ROLLBACK, window.end(), high));
      }
    }
    if (window.index() + 1 >= policy.scheduleWindows()) {
      return Optional.of(new Outcome(Decision.PROMOTE, window.end(), "schedule completed"));
    }
    return Optional.empty();
  }

  /** Why the step so far is HIGH on some metric, or null. */
  String high() {
    long xc = canary.stream().mapToLong(SimWindow::errors).sum();
    long nc = canary.stream().mapToLong(SimWindow::requests).sum();
    long xb = baseline.stream().mapToLong(SimWindow::errors).sum();
    long nb = baseline.stream().mapToLong(SimWindow::requests).sum();
    if (nc > 0 && nb > 0) {
      Dispersion d = dispersion(canary).plus(dispersion(baseline));
      TestResult r = Proportions.compare(xc, nc, xb, nb, 1 + TOLERANCE, d);
      if (r.pHigher() < alpha && (double) xc / nc > (double) xb / nb * (1 + TOLERANCE)) {
        return "error rate HIGH at look " + canary.size() + " (p=" + r.pHigher() + ")";
      }
    }
    double[] c = p95s(canary);
    double[] b = p95s(baseline);
    if (c.length >= 2 && b.length >= 2) {
      TestResult r = MannWhitney.test(c, b);
      if (r.pHigher() < alpha && median(c) > median(b) * (1 + TOLERANCE)) {
        return "p95 HIGH at look " + canary.size() + " (p=" + r.pHigher() + ")";
      }
    }
    return null;
  }

  private static Dispersion dispersion(List<SimWindow> windows) {
    return Dispersion.pearson(
        windows.stream().mapToLong(SimWindow::requests).toArray(),
        windows.stream().mapToLong(SimWindow::errors).toArray());
  }

  private static double[] p95s(List<SimWindow> windows) {
    return windows.stream().filter(SimWindow::hasData).mapToDouble(SimWindow::p95Ms).toArray();
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }
}
