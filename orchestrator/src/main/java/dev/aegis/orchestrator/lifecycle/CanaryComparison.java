package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.lifecycle.stats.MannWhitney;
import dev.aegis.orchestrator.lifecycle.stats.Proportions;
import dev.aegis.orchestrator.lifecycle.stats.TestResult;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares the canary of a step with its reference track over the same time span: the {@code baseline}
 * track when it reported windows overlapping the canary's span, else {@code stable}. Error rate by the
 * two-proportion z-test (Fisher's exact test for small counts), latency by the Mann-Whitney U test over
 * per-window p95 values. Each metric is classified as Kayenta's NetflixACAJudge does: HIGH when the
 * canary is significantly higher (one-sided p below {@code 1 - confidence}) and higher by more than the
 * tolerance; LOW when significantly lower; PASS otherwise; NODATA when there is nothing to compare.
 */
final class CanaryComparison {

  /**
   * The two comparison checks, the reference track used (null when none reported), and why the
   * statistics need more windows before they can conclude (null when they can).
   */
  record Result(Check errorRate, Check latency, String against, String insufficient) {
    List<Check> checks() {
      return List.of(errorRate, latency);
    }
  }

  private CanaryComparison() {}

  static Result of(Analysis analysis, StepProgress progress) {
    StepEvidence evidence = progress.samples();
    Instant from = progress.firstWindowStart();
    Instant to = progress.coveredUntil();
    String against = "baseline";
    List<WindowSample> reference = overlapping(evidence.baseline(), from, to);
    if (reference.isEmpty()) {
      against = "stable";
      reference = overlapping(evidence.stable(), from, to);
    }
    if (reference.isEmpty()) {
      String why = "no baseline or stable window overlaps the canary's span";
      return new Result(noData(Check.ERROR_RATE_COMPARISON, progress.errorRate(), "error rate: " + why),
          noData(Check.P95_LATENCY_COMPARISON, median(p95s(evidence.canary())), "p95 latency: " + why), null, null);
    }
    Span span = new Span(analysis, against, from, to, evidence.canary().size(), reference.size());
    Check latency = latency(span, p95s(evidence.canary()), p95s(reference));
    String insufficient = latency.classification() == Classification.NODATA ? latency.explanation() : null;
    return new Result(errorRate(span, progress, reference), latency, against, insufficient);
  }

  /** What every comparison of one judgment shares. */
  private record Span(Analysis analysis, String against, Instant from, Instant to, int canaryWindows,
      int referenceWindows) {}

  private static Check errorRate(Span span, StepProgress canary, List<WindowSample> reference) {
    long requests = reference.stream().mapToLong(WindowSample::requests).sum();
    long errors = reference.stream().mapToLong(WindowSample::errors).sum();
    if (requests == 0 || canary.requests() == 0) {
      return noData(Check.ERROR_RATE_COMPARISON, canary.errorRate(),
          "error rate: the " + span.against() + " track served no requests in the canary's span");
    }
    double tolerance = span.analysis().errorRateTolerance();
    double canaryRate = canary.errorRate();
    double referenceRate = (double) errors / requests;
    TestResult r = Proportions.compare(canary.errors(), canary.requests(), errors, requests);
    Double ratio = referenceRate == 0 ? null : canaryRate / referenceRate;
    boolean beyondTolerance = canaryRate > referenceRate * (1 + tolerance);
    Classification c = classify(r, span.analysis().alpha(), beyondTolerance);
    String explanation = String.format(Locale.ROOT, "error rate %s vs %s %s (%d + %d windows): %s",
        StepJudge.percent(canaryRate), span.against(), StepJudge.percent(referenceRate), span.canaryWindows(),
        span.referenceWindows(), verdictText(r, c, span.analysis(), tolerance));
    return new Check(Check.ERROR_RATE_COMPARISON, canaryRate, referenceRate * (1 + tolerance), "<=", c.passes(), c,
        referenceRate, comparison(span, r, ratio, tolerance), explanation);
  }

  private static Check latency(Span span, double[] canary, double[] reference) {
    double alpha = span.analysis().alpha();
    double best = MannWhitney.smallestPValue(canary.length, reference.length);
    if (best >= alpha) {
      return noData(Check.P95_LATENCY_COMPARISON, median(canary), String.format(Locale.ROOT,
          "p95 latency: %d canary and %d %s windows cannot show a difference at confidence %s (best possible "
              + "p=%s); more windows needed", canary.length, reference.length, span.against(),
          number(span.analysis().confidence()), p(best)));
    }
    double tolerance = span.analysis().latencyTolerance();
    double canaryMedian = median(canary);
    double referenceMedian = median(reference);
    TestResult r = MannWhitney.test(canary, reference);
    Double ratio = referenceMedian == 0 ? null : canaryMedian / referenceMedian;
    boolean beyondTolerance = canaryMedian > referenceMedian * (1 + tolerance);
    Classification c = classify(r, alpha, beyondTolerance);
    String explanation = String.format(Locale.ROOT,
        "p95 latency %.0f ms vs %s %.0f ms (median of %d + %d windows): %s", canaryMedian, span.against(),
        referenceMedian, canary.length, reference.length, verdictText(r, c, span.analysis(), tolerance));
    return new Check(Check.P95_LATENCY_COMPARISON, canaryMedian, referenceMedian * (1 + tolerance), "<=",
        c.passes(), c, referenceMedian, comparison(span, r, ratio, tolerance), explanation);
  }

  /** HIGH needs significance and an effect beyond the tolerance; LOW needs significance only. */
  static Classification classify(TestResult r, double alpha, boolean beyondTolerance) {
    if (r.pHigher() < alpha && beyondTolerance) {
      return Classification.HIGH;
    }
    if (r.pLower() < alpha) {
      return Classification.LOW;
    }
    return Classification.PASS;
  }

  private static String verdictText(TestResult r, Classification c, Analysis analysis, double tolerance) {
    String how = String.format(Locale.ROOT, "(%s, confidence %s, tolerance +%.0f%%)", r.test(),
        number(analysis.confidence()), tolerance * 100);
    String finding = switch (c) {
      case HIGH -> "higher with p=" + p(r.pHigher());
      case LOW -> "lower with p=" + p(r.pLower());
      case PASS -> r.pHigher() < analysis.alpha()
          ? "higher with p=" + p(r.pHigher()) + " but within the tolerance"
          : "no significant difference (p=" + p(r.pValue()) + ")";
      case NODATA -> "no data";
    };
    return finding + " " + how + " → " + c;
  }

  private static Comparison comparison(Span span, TestResult r, Double ratio, double tolerance) {
    return new Comparison(r.test(), span.against(), r.statistic(), r.pValue(), r.leansHigher() ? "higher" : "lower",
        span.analysis().alpha(), span.analysis().confidence(), ratio, tolerance, span.canaryWindows(),
        span.referenceWindows(), span.from(), span.to());
  }

  private static Check noData(String name, double observed, String why) {
    return new Check(name, observed, 0, "<=", true, Classification.NODATA, null, null, why + " → NODATA");
  }

  private static List<WindowSample> overlapping(List<WindowSample> samples, Instant from, Instant to) {
    return samples.stream().filter(s -> s.overlaps(from, to)).toList();
  }

  private static double[] p95s(List<WindowSample> samples) {
    return samples.stream().mapToDouble(WindowSample::p95Ms).toArray();
  }

  static double median(double[] values) {
    if (values.length == 0) {
      return 0;
    }
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    int mid = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  }

  /** A p-value as a reader expects it: 0.0004, or 8.2e-06 when smaller than 0.0001. */
  static String p(double p) {
    return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : String.format(Locale.ROOT, "%.4f", p);
  }

  static String number(double value) {
    return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
