package dev.aegis.orchestrator.config;

import dev.aegis.orchestrator.observability.MetricsProperties;
import dev.aegis.orchestrator.observability.StuckExperimentsGauge;
import dev.aegis.orchestrator.persistence.StuckExperimentRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
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
