package dev.aegis.orchestrator.config;

import dev.aegis.orchestrator.judgment.Analysis;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.production.guard.GuardPolicy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Aegis's own settings ({@code aegis.*}). Durations are ISO-8601 or Spring's short form ({@code
 * 5s}).
 *
 * @param processing how consumed events are retried before they are dead-lettered
 * @param outbox how often the outbox relay looks for due rows
 * @param health health-window admission
 * @param policy the seed defaults every submission starts from
 * @param remediation production (V2) guard and SLO alerting
 */
@ConfigurationProperties("aegis")
public record AegisProperties(
    @DefaultValue Processing processing,
    @DefaultValue Outbox outbox,
    @DefaultValue Health health,
    @DefaultValue PolicyDefaults policy,
    @DefaultValue Remediation remediation) {

  /**
   * Production (V2) guard (seed defaults of DESIGN.md) and SLO burn-rate alerts. Each signal
   * breaches above its high mark and recovers below its low mark; actions need the breach to last
   * its {@code for}.
   *
   * @param sloObjective availability objective of the burn-rate alerts (0.999 = 99.9%)
   * @param burnRateRollback whether a burn-rate page on production rolls it back too
   */
  public record Remediation(
      @DefaultValue("0.05") double errorRateHigh,
      @DefaultValue("0.03") double errorRateLow,
      @DefaultValue("5m") Duration errorRateFor,
      @DefaultValue("10000") double p95HighMs,
      @DefaultValue("6000") double p95LowMs,
      @DefaultValue("2m") Duration p95For,
      @DefaultValue("0.90") double cpuHigh,
      @DefaultValue("0.75") double cpuLow,
      @DefaultValue("2m") Duration cpuFor,
      @DefaultValue("1.5") double scaleUpFactor,
      @DefaultValue("20") int maxReplicas,
      @DefaultValue("10m") Duration scaleCooldown,
      @DefaultValue("30m") Duration rollbackCooldown,
      @DefaultValue("100") long minRequests,
      @DefaultValue("0.999") double sloObjective,
      @DefaultValue("true") boolean burnRateRollback) {

    public GuardPolicy toPolicy() {
      return new GuardPolicy(
          new GuardPolicy.Threshold(errorRateHigh, errorRateLow),
          errorRateFor,
          new GuardPolicy.Threshold(p95HighMs, p95LowMs),
          p95For,
          new GuardPolicy.Threshold(cpuHigh, cpuLow),
          cpuFor,
          scaleUpFactor,
          maxReplicas,
          scaleCooldown,
          rollbackCooldown,
          minRequests);
    }
  }

  /**
   * Retry of a failing record: {@code attempts} tries, exponential backoff {@code initial} ×{@code
   * multiplier} up to {@code max}. {@code maxPollRecords} bounds a batch (one transaction): a poll
   * returns what has arrived, so only a backlog fills it, and then a larger batch writes each
   * experiment's row once for more of its windows (docs/scale-out.md). {@code concurrency}:
   * consumer threads per replica.
   */
  public record Processing(
      @DefaultValue("5") int attempts,
      @DefaultValue("1s") Duration initialBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("60s") Duration maxBackoff,
      @DefaultValue("2000") int maxPollRecords,
      @DefaultValue("3") int concurrency) {

    public Processing {
      if (concurrency < 1) {
        throw new IllegalArgumentException(
            "aegis.processing.concurrency must be at least 1, was " + concurrency);
      }
    }
  }

  public record Outbox(
      @DefaultValue("100ms") Duration pollInterval, @DefaultValue("200") int batchSize) {}

  /**
   * A window whose end is more than {@code maxClockSkew} ahead of the orchestrator's clock is
   * dead-lettered.
   */
  public record Health(
      @DefaultValue("1m") Duration maxClockSkew,
      @DefaultValue("30s") Duration silenceCheckInterval) {}

  /**
   * Seed defaults: 10/50/100% for 24h/48h/7d; error rate < 2%; p95 < 3000 ms. {@code settleTime}
   * (aegis.policy.settle-time) is how long after a traffic shift a step's evidence starts to count:
   * report lag plus actuation; production wants 30 s to 1 min, the default 0 keeps timings as they
   * were. {@code detectableErrorRatio} (aegis.policy.detectable-error-ratio) is the error-rate
   * regression the power estimate is about, 0 for none; {@code requirePower}
   * (aegis.policy.require-power) makes the final step wait for that power before it promotes
   * (docs/judgment.md, "Power"; off by default, ADR-010).
   */
  public record PolicyDefaults(
      @DefaultValue({"10", "50", "100"}) List<Integer> weights,
      @DefaultValue({"PT24H", "PT48H", "P7D"}) List<Duration> durations,
      @DefaultValue("0.02") double maxErrorRate,
      @DefaultValue("3000") double maxP95LatencyMs,
      @DefaultValue("100") long minRequestsPerStep,
      @DefaultValue("PT15M") Duration maxSilence,
      @DefaultValue("PT0S") Duration settleTime,
      @DefaultValue("3") double detectableErrorRatio,
      @DefaultValue("false") boolean requirePower) {

    public Policy toPolicy() {
      if (weights.size() != durations.size()) {
        throw new IllegalStateException(
            "aegis.policy.weights and aegis.policy.durations differ in length");
      }
      List<CanaryStep> steps = new ArrayList<>();
      for (int i = 0; i < weights.size(); i++) {
        steps.add(new CanaryStep(weights.get(i), durations.get(i)));
      }
      return new Policy(
              steps, new Slo(maxErrorRate, maxP95LatencyMs), minRequestsPerStep, maxSilence)
          .withAnalysis(
              Analysis.DEFAULT
                  .withSettleTime(settleTime)
                  .withPower(detectableErrorRatio, requirePower));
    }
  }
}
