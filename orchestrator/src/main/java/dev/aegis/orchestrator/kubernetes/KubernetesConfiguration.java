package dev.aegis.orchestrator.kubernetes;

import dev.aegis.chaos.ChaosMeshMode;
import dev.aegis.chaos.ChaosSettings;
import dev.aegis.chaos.FaultInjector;
import dev.aegis.chaos.KubernetesFaultInjector;
import dev.aegis.operators.actuation.Actuator;
import dev.aegis.operators.actuation.KubernetesActuator;
import dev.aegis.operators.actuation.KubernetesReplicaReader;
import dev.aegis.operators.actuation.KubernetesWorkloadCheck;
import dev.aegis.operators.actuation.ReplicaReader;
import dev.aegis.operators.actuation.ResilientActuator;
import dev.aegis.operators.actuation.ResilientReplicaReader;
import dev.aegis.operators.resource.ExperimentReconciler;
import dev.aegis.orchestrator.actuation.ActuationRelay;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.application.SubmissionTargets;
import dev.aegis.orchestrator.chaos.ChaosProperties;
import dev.aegis.orchestrator.config.PeriodicTask;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.LeaderLock;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.security.AegisSecurityProperties;
import dev.aegis.orchestrator.standalone.infrastructure.DataDirectory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Kubernetes actuation: the cluster (in-process or external), the resilient actuator of the
 * operators module, the relay that carries out the outbox's commands through it, and the {@code
 * Experiment} custom resource reconciler.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KubernetesProperties.class)
public class KubernetesConfiguration {

  @Bean(destroyMethod = "close")
  AegisKubernetes aegisKubernetes(
      KubernetesProperties properties,
      ObjectProvider<KubernetesClientCustomizer> customizers,
      Environment environment) {
    // The in-process cluster keeps its objects under the data directory (docs/reliability.md),
    // and its kubeconfig at the directory's top (docs/quickstart.md).
    DataDirectory data = DataDirectory.from(environment);
    AegisKubernetes kubernetes =
        AegisKubernetes.start(
            properties,
            data.resolve(DataDirectory.KUBERNETES),
            customizers.orderedStream().toList());
    if (kubernetes.isEmbedded()) {
      try {
        kubernetes.writeKubeconfig(data.root());
      } catch (RuntimeException e) {
        kubernetes.close();
        throw e;
      }
    }
    return kubernetes;
  }

  @Bean(destroyMethod = "")
  KubernetesClient kubernetesClient(AegisKubernetes kubernetes) {
    return kubernetes.client(); // closed with AegisKubernetes
  }

  @Bean
  ResilientActuator actuator(
      KubernetesClient client, KubernetesProperties properties, MeterRegistry metrics) {
    return new ResilientActuator(
        new KubernetesActuator(client),
        properties.resilience("kubernetes-api", properties.retry().attempts()),
        metrics);
  }

  @Bean
  ActuationRelay actuationRelay(
      Transactions transactions,
      OutboxRepository outbox,
      ExperimentRepository experiments,
      AuditRepository audit,
      LifecycleService lifecycle,
      Actuator actuator,
      MeterRegistry metrics,
      Clock clock,
      KubernetesProperties properties) {
    return new ActuationRelay(
        transactions,
        outbox,
        experiments,
        audit,
        lifecycle,
        actuator,
        metrics,
        clock,
        new ActuationRelay.Settings(
            properties.relayConcurrency(),
            properties.lease(),
            properties.retry().initialBackoff(),
            properties.retry().maxBackoff(),
            properties.relayInterval()));
  }

  /**
   * Runs the actuation relay's passes on a thread of their own, from start to stop of the context,
   * and at once after a transaction that added commands commits: a decision is carried out without
   * waiting for the interval, which is left for retries, leases that lapsed and other replicas'
   * commands. Stopping closes the relay first (no new lease, running commands finish), so the pass
   * ends without leasing more.
   */
  @Bean
  SmartLifecycle actuationRelayLoop(
      ActuationRelay relay, OutboxRepository outbox, KubernetesProperties properties) {
    PeriodicTask passes =
        PeriodicTask.every("aegis-actuation-relay", properties.relayInterval(), relay::drain);
    if (properties.relayOnCommit()) {
      // A pass that waits for running commands leases the new ones at once; none running, a pass
      // starts.
      outbox.onCommitted(OutboxRepository.Kind.ACTUATION, relay::wake);
      outbox.onCommitted(OutboxRepository.Kind.ACTUATION, passes::wake);
    }
    return new RelayLoop(relay, passes);
  }

  /** The relay's periodic passes, with the relay closed before they stop. */
  private record RelayLoop(ActuationRelay relay, PeriodicTask passes) implements SmartLifecycle {
    @Override
    public void start() {
      passes.start();
    }

    @Override
    public void stop() {
      relay.close();
      passes.stop();
    }

    @Override
    public boolean isRunning() {
      return passes.isRunning();
    }
  }

  /**
   * Replica counts of stable Deployments, for the production guard's scale-up: behind a circuit
   * breaker of its own, so an unreachable API answers "unknown" at once instead of holding up
   * ingestion.
   */
  @Bean
  ReplicaReader replicaReader(
      KubernetesClient client, KubernetesProperties properties, MeterRegistry metrics) {
    // One attempt: a count read late is worth less than the last known one (the reader has no
    // retries).
    return new ResilientReplicaReader(
        new KubernetesReplicaReader(client),
        properties.resilience("kubernetes-replicas", 1),
        metrics);
  }

  /**
   * Whether a submission's stable Deployment and router objects exist: the operators' reading code
   * behind a circuit breaker of its own, one attempt per read (an unanswered check accepts the
   * submission; the actuation retries).
   */
  @Bean
  SubmissionTargets submissionTargets(
      KubernetesClient client, KubernetesProperties properties, MeterRegistry metrics) {
    return new KubernetesSubmissionTargets(
        new KubernetesWorkloadCheck(client),
        properties.resilience("kubernetes-submissions", 1),
        metrics);
  }

  /**
   * Chaos injection on the cluster Aegis acts on (natively, or through Chaos Mesh when it is
   * installed).
   */
  @Bean
  FaultInjector faultInjector(KubernetesClient client, ChaosProperties properties) {
    ChaosMeshMode mode;
    try {
      mode = ChaosMeshMode.valueOf(properties.chaosMesh().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "aegis.chaos.chaos-mesh must be auto, never or always, not '"
              + properties.chaosMesh()
              + "'",
          e);
    }
    return new KubernetesFaultInjector(
        client,
        new ChaosSettings(
            properties.maxDuration(), properties.podKillMaxPods(), properties.stressImage(), mode));
  }

  @Bean
  OrchestratorExperimentGateway experimentGateway(
      Transactions transactions,
      ExperimentService service,
      ExperimentRepository experiments,
      OutboxRepository outbox,
      AegisSecurityProperties security) {
    return new OrchestratorExperimentGateway(
        transactions,
        service,
        experiments,
        outbox,
        security.experimentResources().crossNamespace());
  }

  /**
   * The {@code Experiment}-resource reconciler, on whichever replica holds its leader lock (a
   * PostgreSQL advisory lock): several replicas never reconcile at once.
   */
  @Bean
  @ConditionalOnProperty(
      name = "aegis.kubernetes.experiment-resources",
      havingValue = "true",
      matchIfMissing = true)
  LeaderElectedReconciler experimentReconciler(
      KubernetesClient client,
      OrchestratorExperimentGateway gateway,
      KubernetesProperties properties,
      Transactions transactions,
      Clock clock) {
    ExperimentReconciler.Settings base =
        ExperimentReconciler.Settings.allNamespaces().pollEvery(Duration.ofSeconds(2));
    ExperimentReconciler.Settings settings =
        properties.namespace().isBlank() ? base : base.inNamespace(properties.namespace());
    return new LeaderElectedReconciler(
        new LeaderLock(transactions, RECONCILER_LOCK),
        () -> new ExperimentReconciler(client, gateway, settings, clock),
        Duration.ofSeconds(2));
  }

  /** The advisory lock key of the reconciler's lead: "aegis-rc" in ASCII. */
  static final long RECONCILER_LOCK = 0x6165676973_2d7263L;
}
