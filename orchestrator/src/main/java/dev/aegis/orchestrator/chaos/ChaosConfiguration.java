package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.ChaosMeshMode;
import dev.aegis.chaos.ChaosSettings;
import dev.aegis.chaos.FaultInjector;
import dev.aegis.chaos.KubernetesFaultInjector;
import dev.aegis.orchestrator.config.PeriodicTask;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chaos module on the cluster Aegis acts on, its API service and the expiry sweeper. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChaosProperties.class)
public class ChaosConfiguration {

  private static final Logger log = LoggerFactory.getLogger(ChaosConfiguration.class);

  @Bean
  ChaosInjectionRepository chaosInjectionRepository() {
    return new ChaosInjectionRepository();
  }

  @Bean
  FaultInjector faultInjector(KubernetesClient client, ChaosProperties properties) {
    ChaosMeshMode mode;
    try {
      mode = ChaosMeshMode.valueOf(properties.chaosMesh().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("aegis.chaos.chaos-mesh must be auto, never or always, not '"
          + properties.chaosMesh() + "'", e);
    }
    return new KubernetesFaultInjector(client, new ChaosSettings(properties.maxDuration(),
        properties.podKillMaxPods(), properties.stressImage(), mode));
  }

  @Bean
  ChaosService chaosService(Jdbi jdbi, ChaosInjectionRepository faults, ExperimentRepository experiments,
      AuditRepository audit, EventOutbox events, FaultInjector injector, ChaosProperties properties,
      MeterRegistry metrics, Clock clock) {
    return new ChaosService(jdbi, faults, experiments, audit, events, injector, properties, metrics, clock);
  }

  /**
   * Reverts expired faults every interval, the first time right at start: a fault whose deadline passed while
   * Aegis was down comes off the cluster as soon as Aegis is back.
   */
  @Bean
  SmartLifecycle chaosSweep(ChaosService chaos, ChaosProperties properties) {
    return new PeriodicTask("aegis-chaos-sweeper", Duration.ZERO, properties.sweepInterval(), () -> {
      int reverted = chaos.sweep();
      if (reverted > 0) {
        log.info("chaos sweeper reverted {} faults", reverted);
      }
    });
  }
}
