package dev.aegis.orchestrator.bench.quality;

import java.util.Locale;
import java.util.Optional;

/**
 * Argo Rollouts' canary with background analysis, written from its documented rules, on the
 * benchmark's policy.
 *
 * <p>Rules followed (Argo Rollouts docs, "Analysis &amp; Progressive Delivery",
 * https://argoproj.github.io/argo-rollouts/features/analysis/, and "Canary",
 * https://argoproj.github.io/argo-rollouts/features/canary/):
 *
 * <ul>
 *   <li>the Rollout's steps are {@code setWeight: w} then {@code pause: {duration: windowsPerStep ×
 *       interval}} for each of the policy's weights; when the steps complete, the rollout is
 *       promoted and the background AnalysisRun is stopped — steps advance on time, whatever the
 *       measurements say;
 *   <li>a background AnalysisRun takes one measurement per metric every {@code interval} (no {@code
 *       count}: it runs until stopped); two metrics, error rate and p95, each with {@code
 *       successCondition: result < max} and {@code failureCondition: result >= max} (the policy's
 *       SLO), so a measurement is Successful, Failed, or — when it meets neither, as a NaN ratio
 *       over an interval without requests does — Inconclusive;
 *   <li>a metric is Failed when its failed measurements exceed {@code failureLimit} (default 0;
 *       here 3, the docs' example), Inconclusive when its inconclusive measurements exceed {@code
 *       inconclusiveLimit} (default 0); a Failed run aborts the rollout (weight back to zero), an
 *       Inconclusive one pauses it for a human; failed counts are never reset by later successes;
 *   <li>{@code consecutiveErrorLimit} (default 4) counts provider errors, which the benchmark does
 *       not generate.
 * </ul>
 *
 * <p>Like Flagger's built-in checks, the analysis measures the canary alone: comparing with a
 * baseline takes an Experiment and an external judge (Kayenta), which is not the documented
 * default.
 */
final class ArgoReferenceJudge implements Judge {

  static final int DEFAULT_FAILURE_LIMIT = 3;
  static final int DEFAULT_INCONCLUSIVE_LIMIT = 0;

  private final BenchPolicy policy;
  private final int failureLimit;
  private final int inconclusiveLimit;
  private final Metric errorRate = new Metric("error-rate");
  private final Metric p95 = new Metric("p95-latency");
  private int intervals;

  ArgoReferenceJudge(BenchPolicy policy) {
    this(policy, DEFAULT_FAILURE_LIMIT, DEFAULT_INCONCLUSIVE_LIMIT);
  }

  ArgoReferenceJudge(BenchPolicy policy, int failureLimit, int inconclusiveLimit) {
    this.policy = policy;
    this.failureLimit = failureLimit;
    this.inconclusiveLimit = inconclusiveLimit;
  }

  @Override
  public Optional<Outcome> observe(SimWindow window) {
    if (window.track() != SimWindow.Track.CANARY) {
      return Optional.empty();
    }
    intervals++;
    errorRate.measure(window.errorRate(), policy.maxErrorRate());
    p95.measure(window.hasData() ? window.p95Ms() : Double.NaN, policy.maxP95Ms());
    for (Metric metric : new Metric[] {errorRate, p95}) {
      if (metric.failed > failureLimit) {
        return Optional.of(
            new Outcome(
                Decision.ROLLBACK,
                window.end(),
                String.format(
                    Locale.ROOT,
                    "metric %s failed %d times (failureLimit %d); rollout aborted",
                    metric.name,
                    metric.failed,
                    failureLimit)));
      }
    }
    for (Metric metric : new Metric[] {errorRate, p95}) {
      if (metric.inconclusive > inconclusiveLimit) {
        return Optional.of(
            new Outcome(
                Decision.PAUSE,
                window.end(),
                String.format(
                    Locale.ROOT,
                    "metric %s inconclusive %d times (inconclusiveLimit %d); rollout paused",
                    metric.name,
                    metric.inconclusive,
                    inconclusiveLimit)));
      }
    }
    if (intervals >= policy.scheduleWindows()) {
      return Optional.of(new Outcome(Decision.PROMOTE, window.end(), "all steps completed"));
    }
    return Optional.empty();
  }

  /** One metric of the AnalysisRun and its measurement counts. */
  private static final class Metric {
    private final String name;
    private int failed;
    private int inconclusive;

    Metric(String name) {
      this.name = name;
    }

    /** successCondition: result < max; failureCondition: result >= max; NaN meets neither. */
    void measure(double result, double max) {
      boolean success = result < max;
      boolean failure = result >= max;
      if (failure) {
        failed++;
      } else if (!success) {
        inconclusive++;
      }
    }
  }
}
