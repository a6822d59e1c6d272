package dev.aegis.orchestrator.production;

import dev.aegis.operators.actuation.ReplicaReader;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.config.AegisProperties;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.GuardRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.production.service.ProductionService;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.slo.SloPolicy;
import dev.aegis.orchestrator.production.watch.CoreProductionQuarantine;
import dev.aegis.orchestrator.production.watch.ProductionWatch;
import dev.aegis.orchestrator.production.watch.ReplicaCounts;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The production wing: human rollbacks and scaling, the guard on V2, and SLO burn-rate alerts
 * (docs/remediation.md).
 */
@Configuration(proxyBeanMethods = false)
public class ProductionConfiguration {

  @Bean
  ProductionService productionService(
      Transactions transactions,
      ServiceRepository services,
      ExperimentRepository experiments,
      OutboxRepository outbox,
      AuditRepository audit,
      Clock clock) {
    return new ProductionService(transactions, services, experiments, outbox, audit, clock);
  }

  /** SLO burn-rate trackers; a bean so the retention sweeper can retire idle ones. */
  @Bean
  BurnRateMonitor burnRateMonitor(AegisProperties properties) {
    return new BurnRateMonitor(SloPolicy.workbook(properties.remediation().sloObjective()));
  }

  /** Production (V2) guard and SLO burn-rate alerts on the ingestion path. */
  @Bean
  ProductionWatch productionWatch(
      ServiceRepository services,
      ProductionService production,
      EventOutbox events,
      AuditRepository audit,
      ReplicaReader replicas,
      ExperimentRepository experiments,
      LifecycleService lifecycle,
      MeterRegistry metrics,
      AegisProperties properties,
      BurnRateMonitor burnRates,
      Clock clock) {
    AegisProperties.Remediation r = properties.remediation();
    return new ProductionWatch(
        services,
        new GuardRepository(),
        r.toPolicy(),
        burnRates,
        production,
        events,
        audit,
        new ReplicaCounts(replicas, clock, Duration.ofSeconds(10)),
        new CoreProductionQuarantine(experiments, lifecycle),
        metrics,
        r.burnRateRollback());
  }
}
