package dev.aegis.orchestrator.judgment;

import dev.aegis.orchestrator.judgment.stats.Dispersion;
import dev.aegis.orchestrator.judgment.stats.MannWhitney;
import dev.aegis.orchestrator.judgment.stats.Proportions;
import dev.aegis.orchestrator.judgment.stats.TestResult;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Compares the canary of a step with its reference track over the same time span: the {@code
 * baseline} track when it reported windows overlapping the canary's span, else {@code stable}.
 * Error rate by a two-proportion test of H0: canary ≤ reference × (1 + tolerance), its variance
 * inflated by the dispersion of the per-window error counts (quasi-binomial; Fisher's exact test
 * for small counts), latency by the Mann-Whitney U test over per-window p95 values. Each metric is
 * classified as Kayenta's NetflixACAJudge does: HIGH when the canary is significantly higher
 * (one-sided p below the comparison's share of {@code 1 - confidence}, {@link
 * Analysis#alphaPerComparison}) and higher by more than the tolerance; LOW when significantly
 * lower; PASS otherwise; NODATA when there is nothing to compare.
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

  /**
   * With the anytime tests on, the error-rate comparison takes its dispersion from the reference
   * track alone, at this upper confidence bound: the canary's own excess scatter is the signal of
   * an intermittent regression (errors in one window of three), not noise to discount, while a
   * reference that really is bursty still widens the test. docs/judgment.md, rule 6.
   */
  static final double REFERENCE_SCATTER_CONFIDENCE = 0.90;

  private CanaryComparison() {}

  /**
   * The comparisons of one step of a rollout of {@code steps} steps (the significance is shared
   * out).
   */
  static Result of(Analysis analysis, int steps, StepProgress progress) {
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
      return new Result(
          noData(Check.ERROR_RATE_COMPARISON, progress.errorRate(), "error rate: " + why),
          noData(
              Check.P95_LATENCY_COMPARISON, median(p95s(evidence.canary())), "p95 latency: " + why),
          null,
          null);
    }
    Span span =
        new Span(
            analysis,
            analysis.alphaPerComparison(steps),
            steps,
            against,
            from,
            to,
            evidence.canary().size(),
            reference.size());
    Check latency = latency(span, p95s(evidence.canary()), p95s(reference));
    String insufficient =
        latency.classification() == Classification.NODATA ? latency.explanation() : null;
    Dispersion ofReference = dispersion(reference);
    Dispersion pooled = dispersion(evidence.canary()).plus(ofReference);
    Dispersion referenceScatter =
        analysis.sequential() ? ofReference.upperBound(REFERENCE_SCATTER_CONFIDENCE) : null;
    return new Result(
        errorRate(span, progress, reference, pooled, referenceScatter),
        latency,
        against,
        insufficient);
  }

  /** What every comparison of one judgment shares. */
  private record Span(
      Analysis analysis,
      double alpha,
      int steps,
      String against,
      Instant from,
      Instant to,
      int canaryWindows,
      int referenceWindows) {}

  /**
   * The error-rate comparison, with the dispersion of both tracks' windows (most degrees of
   * freedom: the power at low traffic). With {@code referenceScatter} (the anytime tests on) below
   * that dispersion, the canary's own windows scatter more than the reference could explain: an
   * intermittent regression (errors in one window of three) looks like that. A second test then
   * runs with the reference's dispersion alone, at its upper bound, and the smaller p-value,
   * doubled (Bonferroni), is the comparison's.
   */
  private static Check errorRate(
      Span span,
      StepProgress canary,
      List<WindowSample> reference,
      Dispersion pooled,
      Dispersion referenceScatter) {
    long requests = reference.stream().mapToLong(WindowSample::requests).sum();
    long errors = reference.stream().mapToLong(WindowSample::errors).sum();
    if (requests == 0 || canary.requests() == 0) {
      return noData(
          Check.ERROR_RATE_COMPARISON,
          canary.errorRate(),
          "error rate: the " + span.against() + " track served no requests in the canary's span");
    }
    double tolerance = span.analysis().errorRateTolerance();
    double canaryRate = canary.errorRate();
    double referenceRate = (double) errors / requests;
    TestResult r =
        Proportions.compare(
            canary.errors(), canary.requests(), errors, requests, 1 + tolerance, pooled);
    Dispersion dispersion = pooled;
    if (referenceScatter != null
        && !r.test().equals(TestResult.FISHER_EXACT)
        && referenceScatter.phi() < pooled.phi()) {
      TestResult scatter =
          Proportions.compare(
              canary.errors(),
              canary.requests(),
              errors,
              requests,
              1 + tolerance,
              referenceScatter);
      boolean second = scatter.pHigher() < r.pHigher();
      TestResult chosen = second ? scatter : r;
      dispersion = second ? referenceScatter : pooled;
      r =
          new TestResult(
              chosen.test(),
              chosen.statistic(),
              Math.min(1, 2 * Math.min(r.pHigher(), scatter.pHigher())),
              Math.min(1, 2 * Math.min(r.pLower(), scatter.pLower())));
    }
    Double ratio = referenceRate == 0 ? null : canaryRate / referenceRate;
    boolean beyondTolerance = canaryRate > referenceRate * (1 + tolerance);
    Classification c = classify(r, span.alpha(), beyondTolerance);
    Double phi = r.test().equals(TestResult.FISHER_EXACT) ? null : dispersion.phi();
    String explanation =
        String.format(
            Locale.ROOT,
            "error rate %s vs %s %s (%d + %d windows%s): %s",
            StepJudge.percent(canaryRate),
            span.against(),
            StepJudge.percent(referenceRate),
            span.canaryWindows(),
            span.referenceWindows(),
            phi == null ? "" : String.format(Locale.ROOT, ", dispersion %.2f", phi),
            verdictText(r, c, span, tolerance));
    return new Check(
        Check.ERROR_RATE_COMPARISON,
        canaryRate,
        referenceRate * (1 + tolerance),
        "<=",
        c.passes(),
        c,
        referenceRate,
        comparison(span, r, canaryRate > referenceRate, ratio, tolerance, phi),
        explanation);
  }

  private static Check latency(Span span, double[] canary, double[] reference) {
    double alpha = span.alpha();
    double best = MannWhitney.smallestPValue(canary.length, reference.length);
    if (best >= alpha) {
      return noData(
          Check.P95_LATENCY_COMPARISON,
          median(canary),
          String.format(
              Locale.ROOT,
              "p95 latency: %d canary and %d %s windows cannot show a difference at α %s (confidence %s over %d "
                  + "%s; best possible p=%s); more windows needed",
              canary.length,
              reference.length,
              span.against(),
              p(alpha),
              number(span.analysis().confidence()),
              span.analysis().stepEndTests(span.steps()),
              span.analysis().sequential() ? "step-end tests" : "comparisons",
              p(best)));
    }
    double tolerance = span.analysis().latencyTolerance();
    double canaryMedian = median(canary);
    double referenceMedian = median(reference);
    TestResult r = MannWhitney.test(canary, reference);
    Double ratio = referenceMedian == 0 ? null : canaryMedian / referenceMedian;
    boolean beyondTolerance = canaryMedian > referenceMedian * (1 + tolerance);
    Classification c = classify(r, alpha, beyondTolerance);
    String explanation =
        String.format(
            Locale.ROOT,
            "p95 latency %.0f ms vs %s %.0f ms (median of %d + %d windows): %s",
            canaryMedian,
            span.against(),
            referenceMedian,
            canary.length,
            reference.length,
            verdictText(r, c, span, tolerance));
    return new Check(
        Check.P95_LATENCY_COMPARISON,
        canaryMedian,
        referenceMedian * (1 + tolerance),
        "<=",
        c.passes(),
        c,
        referenceMedian,
        comparison(span, r, r.leansHigher(), ratio, tolerance, null),
        explanation);
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

  private static String verdictText(TestResult r, Classification c, Span span, double tolerance) {
    String how =
        String.format(
            Locale.ROOT,
            "(%s, confidence %s, α %s per %s, tolerance +%.0f%%)",
            r.test(),
            number(span.analysis().confidence()),
            p(span.alpha()),
            span.analysis().sequential() ? "step-end test" : "comparison",
            tolerance * 100);
    String finding =
        switch (c) {
          case HIGH -> "higher with p=" + p(r.pHigher());
          case LOW -> "lower with p=" + p(r.pLower());
          case PASS ->
              r.pHigher() < span.alpha()
                  ? "higher with p=" + p(r.pHigher()) + " but within the tolerance"
                  : "no significant difference (p=" + p(r.pValue()) + ")";
          case NODATA -> "no data";
        };
    return finding + " " + how + " → " + c;
  }

  /**
   * The statistics of one check; {@code higher} is the way the canary leans (for the error rate its
   * rate against the reference's, since the higher side's p-value is taken against the tolerated
   * ratio).
   */
  private static Comparison comparison(
      Span span, TestResult r, boolean higher, Double ratio, double tolerance, Double phi) {
    return new Comparison(
        r.test(),
        span.against(),
        r.statistic(),
        higher ? r.pHigher() : r.pLower(),
        higher ? "higher" : "lower",
        span.alpha(),
        span.analysis().confidence(),
        ratio,
        tolerance,
        span.canaryWindows(),
        span.referenceWindows(),
        span.from(),
        span.to(),
        phi);
  }

  /** Read in place from the arrays the evidence keeps beside its samples, as Sequential does. */
  private static Dispersion dispersion(List<WindowSample> samples) {
    return Samples.of(samples).dispersionUntil(Instant.MAX);
  }

  private static Check noData(String name, double observed, String why) {
    return new Check(
        name, observed, 0, "<=", true, Classification.NODATA, null, null, why + " → NODATA");
  }

  private static List<WindowSample> overlapping(
      List<WindowSample> samples, Instant from, Instant to) {
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
    return p < 0.0001 ? String.format(Locale.ROOT, "%.1e", p) : Decimals.fixed(p, 4);
  }

  static String number(double value) {
    return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
  }
}
