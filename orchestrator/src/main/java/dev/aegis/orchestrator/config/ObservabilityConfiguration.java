package dev.aegis.orchestrator.config;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.actuation.ActuationRelay;
import dev.aegis.orchestrator.lifecycle.CommandKind;
import dev.aegis.orchestrator.observability.AlertedCounters;
import dev.aegis.orchestrator.observability.MetricsProperties;
import dev.aegis.orchestrator.observability.StuckExperimentsGauge;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.StuckExperimentRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Meters that are counted in the database on a schedule rather than at each scrape. */
@Configuration(proxyBeanMethods = false)
class ObservabilityConfiguration {

  @Bean
  StuckExperimentsGauge stuckExperimentsGauge(
      Transactions transactions,
      MetricsProperties properties,
      MeterRegistry registry,
      Clock clock) {
    return new StuckExperimentsGauge(
        transactions,
        new StuckExperimentRepository(),
        properties.stuckExperiments(),
        registry,
        clock);
  }

  /**
   * The counters the chart's alerts read with {@code increase()}, at zero from the start, so that
   * their first count is a rise Prometheus sees (see {@link AlertedCounters}).
   */
  @Bean
  AlertedCounters alertedCounters(MeterRegistry registry) {
    return AlertedCounters.register(
        registry,
        new AlertedCounters.Labels(
            Topics.INPUTS,
            Arrays.stream(InboxRepository.Outcome.values())
                .map(InboxRepository.Outcome::tag)
                .toList(),
            Arrays.stream(CommandKind.values()).map(CommandKind::wire).toList(),
            ActuationRelay.outcomeTags()));
  }

  /** Counts stuck experiments shortly after start, then every interval. */
  @Bean
  SmartLifecycle stuckExperimentsCount(StuckExperimentsGauge gauge, MetricsProperties properties) {
    return new PeriodicTask(
        "aegis-stuck-experiments",
        Duration.ofSeconds(5),
        properties.stuckExperiments().interval(),
        gauge::refresh);
  }
}
