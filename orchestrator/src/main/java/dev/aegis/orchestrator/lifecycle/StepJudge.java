package dev.aegis.orchestrator.lifecycle;

import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Judges a canary step from its evidence against the policy's absolute SLO. Pure and cheap: it runs
 * on every canary health window.
 *
 * <p>Order of the rules: a step is not judged before it has been observed for its minimum duration
 * (IN_PROGRESS); then it needs at least {@code minRequestsPerStep} requests (HOLD otherwise: too
 * little traffic never promotes); then every SLO check must pass (PASS) or the step fails (FAIL).
 */
public final class StepJudge {

  private StepJudge() {}

  public static Judgment judge(Policy policy, int stepIndex, StepProgress progress, Instant at) {
    CanaryStep step = policy.step(stepIndex);
    Check duration =
        Check.atLeast(Check.MIN_DURATION, progress.observed().toSeconds(), step.minDuration().toSeconds());
    Check requests = Check.atLeast(Check.MIN_REQUESTS, progress.requests(), policy.minRequestsPerStep());
    Check errorRate = Check.below(Check.ERROR_RATE, progress.errorRate(), policy.slo().maxErrorRate());
    Check p95 = Check.below(Check.P95_LATENCY, progress.p95Ms(), policy.slo().maxP95LatencyMs());
    List<Check> checks = List.of(errorRate, p95, requests, duration);

    Verdict verdict;
    String summary;
    if (!duration.passed()) {
      verdict = Verdict.IN_PROGRESS;
      summary = String.format(Locale.ROOT, "step %d at %d%%: observed %ds of %ds",
          stepIndex + 1, step.weight(), (long) duration.observed(), (long) duration.threshold());
    } else if (!requests.passed()) {
      verdict = Verdict.HOLD;
      summary = String.format(Locale.ROOT,
          "step %d at %d%%: holding, %d requests observed, %d needed before it can be judged",
          stepIndex + 1, step.weight(), progress.requests(), policy.minRequestsPerStep());
    } else if (errorRate.passed() && p95.passed()) {
      verdict = Verdict.PASS;
      summary = String.format(Locale.ROOT,
          "step %d at %d%% passed: error rate %s < %s, p95 %.0f ms < %.0f ms over %d requests",
          stepIndex + 1, step.weight(), percent(errorRate.observed()), percent(errorRate.threshold()),
          p95.observed(), p95.threshold(), progress.requests());
    } else {
      verdict = Verdict.FAIL;
      summary = failureSummary(stepIndex, step, errorRate, p95);
    }
    return new Judgment(verdict, stepIndex + 1, step.weight(), summary, checks, progress,
        step.minDuration().toSeconds(), at);
  }

  private static String failureSummary(int stepIndex, CanaryStep step, Check errorRate, Check p95) {
    StringBuilder why = new StringBuilder();
    if (!errorRate.passed()) {
      why.append(String.format(Locale.ROOT, "error rate %s is not below %s",
          percent(errorRate.observed()), percent(errorRate.threshold())));
    }
    if (!p95.passed()) {
      if (why.length() > 0) {
        why.append("; ");
      }
      why.append(String.format(Locale.ROOT, "p95 %.0f ms is not below %.0f ms", p95.observed(), p95.threshold()));
    }
    return String.format(Locale.ROOT, "step %d at %d%% failed: %s", stepIndex + 1, step.weight(), why);
  }

  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }
}
