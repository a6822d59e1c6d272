package dev.aegis.orchestrator.retention;

import dev.aegis.orchestrator.config.PeriodicTask;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.RetentionRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Optional;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The retention sweeper (docs/retention.md) and its schedule. */
@Configuration(proxyBeanMethods = false)
public class RetentionConfiguration {

  @Bean
  RetentionSweeper retentionSweeper(
      Transactions transactions,
      RetentionProperties properties,
      AuditRepository audit,
      ObjectProvider<BurnRateMonitor> burnRates,
      MeterRegistry metrics,
      Clock clock) {
    return new RetentionSweeper(
        transactions,
        new RetentionRepository(),
        properties,
        audit,
        Optional.ofNullable(burnRates.getIfAvailable()),
        metrics,
        clock);
  }

  @Bean
  @ConditionalOnProperty(
      name = "aegis.retention.enabled",
      havingValue = "true",
      matchIfMissing = true)
  SmartLifecycle retentionSchedule(RetentionSweeper sweeper, RetentionProperties properties) {
    // The first sweep one interval after start: a restart loop never turns into a sweep loop.
    return PeriodicTask.every("aegis-retention", properties.interval(), sweeper::sweep);
  }
}
