package dev.aegis.orchestrator.config;

import dev.aegis.orchestrator.lifecycle.CanaryStep;
import dev.aegis.orchestrator.lifecycle.Policy;
import dev.aegis.orchestrator.lifecycle.Slo;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Aegis's own settings ({@code aegis.*}). Durations are ISO-8601 or Spring's short form ({@code 5s}).
 *
 * @param processing how consumed events are retried before they are dead-lettered
 * @param outbox how often the outbox relay looks for due rows
 * @param health health-window admission
 * @param policy the seed defaults every submission starts from
 */
@ConfigurationProperties("aegis")
public record AegisProperties(
    @DefaultValue Processing processing,
    @DefaultValue Outbox outbox,
    @DefaultValue Health health,
    @DefaultValue PolicyDefaults policy) {

  /** Retry of a failing record: {@code attempts} tries, exponential backoff {@code initial} ×{@code multiplier} up to {@code max}. */
  public record Processing(
      @DefaultValue("5") int attempts,
      @DefaultValue("1s") Duration initialBackoff,
      @DefaultValue("2.0") double multiplier,
      @DefaultValue("60s") Duration maxBackoff,
      @DefaultValue("500") int maxPollRecords) {}

  public record Outbox(@DefaultValue("100ms") Duration pollInterval, @DefaultValue("200") int batchSize) {}

  /** A window whose end is more than {@code maxClockSkew} ahead of the orchestrator's clock is dead-lettered. */
  public record Health(@DefaultValue("1m") Duration maxClockSkew, @DefaultValue("30s") Duration silenceCheckInterval) {}

  /** Seed defaults: 10/50/100% for 24h/48h/7d; error rate < 2%; p95 < 3000 ms. */
  public record PolicyDefaults(
      @DefaultValue({"10", "50", "100"}) List<Integer> weights,
      @DefaultValue({"PT24H", "PT48H", "P7D"}) List<Duration> durations,
      @DefaultValue("0.02") double maxErrorRate,
      @DefaultValue("3000") double maxP95LatencyMs,
      @DefaultValue("100") long minRequestsPerStep,
      @DefaultValue("PT15M") Duration maxSilence) {

    public Policy toPolicy() {
      if (weights.size() != durations.size()) {
        throw new IllegalStateException("aegis.policy.weights and aegis.policy.durations differ in length");
      }
      List<CanaryStep> steps = new java.util.ArrayList<>();
      for (int i = 0; i < weights.size(); i++) {
        steps.add(new CanaryStep(weights.get(i), durations.get(i)));
      }
      return new Policy(steps, new Slo(maxErrorRate, maxP95LatencyMs), minRequestsPerStep, maxSilence);
    }
  }
}
