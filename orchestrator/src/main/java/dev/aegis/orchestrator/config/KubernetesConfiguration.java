package dev.aegis.orchestrator.config;

import dev.aegis.operators.actuation.Actuator;
import dev.aegis.operators.actuation.KubernetesActuator;
import dev.aegis.operators.actuation.ResilienceSettings;
import dev.aegis.operators.actuation.ResilientActuator;
import dev.aegis.operators.resource.ExperimentReconciler;
import dev.aegis.orchestrator.actuation.ActuationRelay;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.outbox.EventOutbox;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.standalone.infrastructure.DataDirectory;
import dev.aegis.orchestrator.kubernetes.AegisKubernetes;
import dev.aegis.orchestrator.kubernetes.KubernetesClientCustomizer;
import dev.aegis.orchestrator.kubernetes.KubernetesProperties;
import dev.aegis.orchestrator.kubernetes.OrchestratorExperimentGateway;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.security.AegisSecurityProperties;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.GuardRepository;
import dev.aegis.orchestrator.persistence.ServiceRepository;
import dev.aegis.orchestrator.production.watch.CoreProductionQuarantine;
import dev.aegis.orchestrator.production.watch.ProductionWatch;
import dev.aegis.orchestrator.production.watch.StableReplicas;
import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.production.slo.SloPolicy;
import dev.aegis.orchestrator.production.service.ProductionService;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Kubernetes actuation: the cluster (in-process or external), the resilient actuator of the operators
 * module, the relay that carries out the outbox's commands through it, and the {@code Experiment} custom
 * resource reconciler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KubernetesProperties.class)
public class KubernetesConfiguration {

  @Bean(destroyMethod = "close")
  AegisKubernetes aegisKubernetes(KubernetesProperties properties,
      ObjectProvider<KubernetesClientCustomizer> customizers, Environment environment) {
    // The in-process cluster keeps its objects under the data directory (docs/reliability.md).
    return AegisKubernetes.start(properties,
        DataDirectory.from(environment).resolve(DataDirectory.KUBERNETES), customizers.orderedStream().toList());
  }

  @Bean(destroyMethod = "")
  KubernetesClient kubernetesClient(AegisKubernetes kubernetes) {
    return kubernetes.client(); // closed with AegisKubernetes
  }

  @Bean
  ResilientActuator actuator(KubernetesClient client, KubernetesProperties properties, MeterRegistry metrics) {
    KubernetesProperties.Retry retry = properties.retry();
    KubernetesProperties.Breaker breaker = properties.breaker();
    return new ResilientActuator(new KubernetesActuator(client),
        new ResilienceSettings("kubernetes-api", retry.attempts(), retry.initialBackoff(), retry.multiplier(),
            retry.maxBackoff(), breaker.failuresToOpen(), breaker.openDuration(), breaker.successesToClose()),
        metrics);
  }

  @Bean
  ActuationRelay actuationRelay(Jdbi jdbi, OutboxRepository outbox, ExperimentRepository experiments,
      AuditRepository audit, LifecycleService lifecycle, Actuator actuator, MeterRegistry metrics,
      Clock clock, KubernetesProperties properties) {
    return new ActuationRelay(jdbi, outbox, experiments, audit, lifecycle, actuator, metrics, clock,
        // One command per lease: the lease covers that command's call, however slow the ones before it were.
        new ActuationRelay.Settings(1, properties.lease(), properties.retry().initialBackoff(),
            properties.retry().maxBackoff()));
  }

  /** Runs the actuation relay on its own thread, from start to stop of the context. */
  @Bean
  SmartLifecycle actuationRelayLoop(ActuationRelay relay, KubernetesProperties properties) {
    return PeriodicTask.every("aegis-actuation-relay", properties.relayInterval(), relay::drain);
  }

  @Bean
  ProductionService productionService(Jdbi jdbi, ServiceRepository services, ExperimentRepository experiments,
      OutboxRepository outbox, AuditRepository audit, Clock clock) {
    return new ProductionService(jdbi, services, experiments, outbox, audit, clock);
  }

  /** SLO burn-rate trackers; a bean so the retention sweeper can retire idle ones. */
  @Bean
  BurnRateMonitor burnRateMonitor(AegisProperties properties) {
    return new BurnRateMonitor(SloPolicy.workbook(properties.remediation().sloObjective()));
  }

  /** Production (V2) guard and SLO burn-rate alerts on the ingestion path (docs/remediation.md). */
  @Bean
  ProductionWatch productionWatch(ServiceRepository services, ProductionService production,
      EventOutbox events, AuditRepository audit, KubernetesClient client, ExperimentRepository experiments,
      LifecycleService lifecycle, MeterRegistry metrics, Clock clock, AegisProperties properties,
      BurnRateMonitor burnRates) {
    AegisProperties.Remediation r = properties.remediation();
    return new ProductionWatch(services, new GuardRepository(), r.toPolicy(),
        burnRates, production, events, audit,
        new StableReplicas(client, clock, Duration.ofSeconds(10)),
        new CoreProductionQuarantine(experiments, lifecycle), metrics, r.burnRateRollback());
  }

  @Bean
  OrchestratorExperimentGateway experimentGateway(Jdbi jdbi, ExperimentService service,
      ExperimentRepository experiments, OutboxRepository outbox, AegisSecurityProperties security) {
    return new OrchestratorExperimentGateway(jdbi, service, experiments, outbox,
        security.experimentResources().crossNamespace());
  }

  @Bean(initMethod = "start", destroyMethod = "close")
  @ConditionalOnProperty(name = "aegis.kubernetes.experiment-resources", havingValue = "true", matchIfMissing = true)
  ExperimentReconciler experimentReconciler(KubernetesClient client, OrchestratorExperimentGateway gateway,
      KubernetesProperties properties, Clock clock) {
    ExperimentReconciler.Settings settings = ExperimentReconciler.Settings.allNamespaces()
        .pollEvery(Duration.ofSeconds(2));
    if (!properties.namespace().isBlank()) {
      settings = settings.inNamespace(properties.namespace());
    }
    return new ExperimentReconciler(client, gateway, settings, clock);
  }
}
