package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.FaultInjector;
import dev.aegis.orchestrator.config.PeriodicTask;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Chaos injection's API service and the expiry sweeper. The fault injector on the cluster Aegis
 * acts on is a bean of {@code kubernetes.KubernetesConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChaosProperties.class)
public class ChaosConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ChaosConfiguration.class);

  @Bean
  ChaosInjectionRepository chaosInjectionRepository() {
    return new ChaosInjectionRepository();
  }

  @Bean
  ChaosService chaosService(
      Transactions transactions,
      ChaosInjectionRepository faults,
      ExperimentRepository experiments,
      AuditRepository audit,
      EventOutbox events,
      FaultInjector injector,
      ChaosProperties properties,
      MeterRegistry metrics,
      Clock clock) {
    return new ChaosService(
        transactions, faults, experiments, audit, events, injector, properties, metrics, clock);
  }

  /**
   * Reverts expired faults every interval, the first time right at start: a fault whose deadline
   * passed while Aegis was down comes off the cluster as soon as Aegis is back.
   */
  @Bean
  SmartLifecycle chaosSweep(ChaosService chaos, ChaosProperties properties) {
    return new PeriodicTask(
        "aegis-chaos-sweeper",
        Duration.ZERO,
        properties.sweepInterval(),
        () -> {
          int reverted = chaos.sweep();
          if (reverted > 0) {
            log.info("chaos sweeper reverted {} faults", reverted);
          }
        });
  }
}
