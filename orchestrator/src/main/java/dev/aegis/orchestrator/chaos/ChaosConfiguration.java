package dev.aegis.orchestrator.chaos;

import dev.aegis.chaos.ChaosMeshMode;
import dev.aegis.chaos.ChaosSettings;
import dev.aegis.chaos.FaultInjector;
import dev.aegis.chaos.KubernetesFaultInjector;
import dev.aegis.orchestrator.experiments.DecisionRecorder;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ChaosInjectionRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The chaos module on the cluster Aegis acts on, its API service and the expiry sweeper. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ChaosProperties.class)
public class ChaosConfiguration {

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
      AuditRepository audit, DecisionRecorder events, FaultInjector injector, ChaosProperties properties,
      MeterRegistry metrics, Clock clock) {
    return new ChaosService(jdbi, faults, experiments, audit, events, injector, properties, metrics, clock);
  }

  @Bean
  SmartLifecycle chaosSweep(ChaosService chaos, ChaosProperties properties) {
    return new ChaosSweep(chaos, properties.sweepInterval());
  }
}
