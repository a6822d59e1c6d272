package dev.aegis.orchestrator.bench.quality;

import java.util.Locale;
import java.util.Optional;

/**
 * Flagger's canary analysis, written from its documented rules, on the benchmark's policy.
 *
 * <p>Rules followed (Flagger docs, "Deployment Strategies → Canary Release",
 * https://docs.flagger.app/usage/deployment-strategies, and "Metrics Analysis",
 * https://docs.flagger.app/usage/metrics):
 *
 * <ul>
 *   <li>every {@code interval} Flagger checks each metric over that interval against its {@code
 *       thresholdRange} (values inside the range, bounds included, pass): here the built-in
 *       request-success-rate as an error rate with {@code max} = the policy's maxErrorRate, and the
 *       request duration with {@code max} = the policy's maxP95Ms, both on the canary alone — the
 *       built-in checks never look at the primary or a baseline (fluxcd/flagger#225);
 *   <li>if any metric check fails, advancement halts for that interval and the failed-checks
 *       counter is incremented; when it reaches {@code threshold} ("max number of failed metric
 *       checks before rollback") traffic goes back to the primary and the canary is marked failed —
 *       the counter is not reset by later passing intervals (rollback time is documented as {@code
 *       interval × threshold});
 *   <li>a metric with no values (no requests in the interval) is a failed check ("Halt advancement
 *       no values found for metric … probably … is not receiving traffic", fluxcd/flagger#1035,
 *       #1501);
 *   <li>each passing interval advances the weight; once the last weight has passed, the canary is
 *       promoted.
 * </ul>
 *
 * <p>Mapping onto the shared schedule: {@code interval} = one window, and the canary must pass
 * {@code windowsPerStep} intervals at each of the policy's weights (as with {@code stepWeights}
 * listing each weight that many times), so a clean run promotes after exactly the same event time
 * as Aegis. {@code threshold} defaults to 5, the value in Flagger's canary examples. Not modelled:
 * webhooks, pod health, HPA, {@code progressDeadlineSeconds}.
 */
final class FlaggerReferenceJudge implements Judge {

  static final int DEFAULT_THRESHOLD = 5;

  private final BenchPolicy policy;
  private final int threshold;
  private int failedChecks;
  private int passedIntervals;

  FlaggerReferenceJudge(BenchPolicy policy) {
    this(policy, DEFAULT_THRESHOLD);
  }

  FlaggerReferenceJudge(BenchPolicy policy, int threshold) {
    this.policy = policy;
    this.threshold = threshold;
  }

  @Override
  public Optional<Outcome> observe(SimWindow window) {
    if (window.track() != SimWindow.Track.CANARY) {
      return Optional.empty();
    }
    String failure = failedCheck(window);
    if (failure != null) {
      failedChecks++;
      if (failedChecks >= threshold) {
        return Optional.of(
            new Outcome(
                Decision.ROLLBACK,
                window.end(),
                "failed checks threshold reached " + failedChecks + ", last: " + failure));
      }
      return Optional.empty();
    }
    passedIntervals++;
    if (passedIntervals >= policy.scheduleWindows()) {
      return Optional.of(
          new Outcome(
              Decision.PROMOTE,
              window.end(),
              passedIntervals + " intervals passed with " + failedChecks + " failed checks"));
    }
    return Optional.empty();
  }

  /** The first failing metric check of this interval, or null when all pass. */
  private String failedCheck(SimWindow window) {
    if (!window.hasData()) {
      return "no values found for metric request-success-rate";
    }
    if (window.errorRate() > policy.maxErrorRate()) {
      return String.format(
          Locale.ROOT,
          "error rate %.2f%% > %.2f%%",
          window.errorRate() * 100,
          policy.maxErrorRate() * 100);
    }
    if (window.p95Ms() > policy.maxP95Ms()) {
      return String.format(Locale.ROOT, "p95 %.0f ms > %.0f ms", window.p95Ms(), policy.maxP95Ms());
    }
    return null;
  }
}
