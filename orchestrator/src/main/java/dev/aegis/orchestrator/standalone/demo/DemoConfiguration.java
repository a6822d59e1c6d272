package dev.aegis.orchestrator.standalone.demo;

import dev.aegis.events.EventCodec;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.ExperimentRecord;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.standalone.demo.DemoCatalogue.DemoService;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * The standalone demo: seeds the in-process cluster, runs the workload simulator and submits one
 * good and one bad demo experiment, so a fresh clone shows a whole lifecycle within a minute or
 * two. Only with the in-process cluster: Aegis never seeds a real one; and by default only when
 * Kafka and PostgreSQL are in-process too ({@link DemoCondition}).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SimulatorProperties.class)
@Conditional(DemoCondition.class)
public class DemoConfiguration {

  private static final Logger log = LoggerFactory.getLogger(DemoConfiguration.class);

  @Bean
  DemoCluster demoCluster(KubernetesClient client, SimulatorProperties properties) {
    return new DemoCluster(client, properties.namespace());
  }

  @Bean
  WorkloadSimulator workloadSimulator(
      DemoCluster cluster,
      KubernetesClient client,
      KafkaTemplate<byte[], byte[]> kafka,
      EventCodec codec,
      Clock clock,
      SimulatorProperties properties) {
    DemoPods pods = new DemoPods(client, properties.namespace(), clock, properties.podStartDelay());
    return new WorkloadSimulator(
        cluster,
        pods,
        new FaultEffects(client, properties.namespace()),
        kafka,
        codec,
        clock,
        properties);
  }

  @Bean
  FirstActuations demoFirstActuations(Transactions transactions, OutboxRepository outbox) {
    return new FirstActuations(transactions, outbox, Duration.ofSeconds(10));
  }

  /** Seeds, submits the demo experiments, then ticks the simulator until the context stops. */
  @Bean
  SmartLifecycle demoRunner(
      DemoCluster cluster,
      WorkloadSimulator simulator,
      ExperimentService experiments,
      SimulatorProperties properties,
      Clock clock,
      Transactions transactions,
      ExperimentRepository repository,
      KubernetesClient client,
      FirstActuations firstActuations) {
    return new SmartLifecycle() {
      private ScheduledExecutorService executor;

      @Override
      public void start() {
        cluster.seed();
        if (properties.experiments()) {
          Set<String> busy =
              settleLeftovers(experiments, transactions, repository, properties, client);
          firstActuations.expect(submitDemoExperiments(experiments, properties, clock, busy));
        }
        executor =
            Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "aegis-simulator"));
        long every = properties.tick().toMillis();
        executor.scheduleAtFixedRate(
            () -> {
              try {
                simulator.tick();
              } catch (RuntimeException e) {
                log.warn("simulator tick failed: {}", e.toString());
              }
            },
            every,
            every,
            TimeUnit.MILLISECONDS);
        log.info(
            "workload simulator: {} demo services in namespace {}, a window per service and track every {}",
            DemoCatalogue.SERVICES.size(),
            properties.namespace(),
            properties.tick());
      }

      @Override
      public void stop() {
        executor.shutdownNow();
      }

      @Override
      public boolean isRunning() {
        return executor != null && !executor.isShutdown();
      }

      @Override
      public int getPhase() {
        // The listener containers' phase; the relays (PeriodicTask, the default phase) start after
        // it.
        return Integer.MAX_VALUE - 100;
      }
    };
  }

  /**
   * Settles what a previous run left behind. The database is kept across restarts, and so is the
   * in-process cluster when it has a data directory: a live demo experiment whose canary is still
   * on the cluster carries on where it stopped. One whose canary is gone (the cluster was
   * ephemeral) could never finish and would hold its service against this run's experiments, so it
   * is aborted. Returns the services that still have a live or queued demo experiment, which get no
   * new one.
   */
  static Set<String> settleLeftovers(
      ExperimentService experiments,
      Transactions transactions,
      ExperimentRepository repository,
      SimulatorProperties properties,
      KubernetesClient client) {
    Set<String> busy = new HashSet<>();
    for (DemoService s : DemoCatalogue.SERVICES) {
      List<ExperimentRecord> left =
          transactions.withHandle(
              h ->
                  repository.list(
                      h, s.name(), List.of(Phase.QUEUED, Phase.CANARY, Phase.PAUSED), 100));
      for (ExperimentRecord r : left) {
        if (!r.experiment().namespace().equals(properties.namespace())) {
          continue;
        }
        boolean canaryOnCluster =
            client
                    .apps()
                    .deployments()
                    .inNamespace(properties.namespace())
                    .withName(s.name() + "-canary")
                    .get()
                != null;
        if (r.experiment().phase() == Phase.QUEUED || canaryOnCluster) {
          busy.add(s.name());
          log.info(
              "demo experiment {} of {} resumes in {}",
              r.experiment().id(),
              s.name(),
              r.experiment().phase());
        } else {
          experiments.command(
              r.experiment().id(),
              LifecycleInput.ManualAction.ABORT,
              "demo",
              "left running by a previous demo run whose in-process cluster is gone (no data directory kept it)");
        }
      }
    }
    return busy;
  }

  /**
   * One experiment per demo service, on a policy scaled to the demo (10/50/100% for {@code
   * stepDuration} each). Candidate versions carry a start stamp, so a restart on a kept database
   * submits fresh candidates rather than running into the quarantine of the last run's bad one.
   * Returns the ids of the accepted ones.
   */
  static List<String> submitDemoExperiments(
      ExperimentService experiments,
      SimulatorProperties properties,
      Clock clock,
      Set<String> skip) {
    String stamp = Long.toString(clock.millis() / 1000, 36);
    Duration step = properties.stepDuration();
    PolicySpec policy =
        new PolicySpec(
            List.of(new StepSpec(10, step), new StepSpec(50, step), new StepSpec(100, step)),
            new SloSpec(0.02, 3000.0),
            200L,
            Duration.ofMinutes(1));
    List<String> accepted = new ArrayList<>();
    for (DemoService s : DemoCatalogue.SERVICES) {
      if (skip.contains(s.name())) {
        continue;
      }
      String version = s.candidateVersion() + "-" + stamp;
      SubmitOutcome outcome =
          experiments.submit(
              new ExperimentSubmitted(
                  s.name(),
                  properties.namespace(),
                  new Candidate(version, DemoCatalogue.image(s.name(), version)),
                  policy,
                  s.router()),
              new ExperimentService.Origin("demo", "rest", "demo:" + s.name()),
              "demo:" + s.name() + ":" + version);
      log.info(
          "demo experiment for {} {}: {}",
          s.name(),
          version,
          outcome instanceof SubmitOutcome.Accepted a ? a.experiment().experiment().id() : outcome);
      if (outcome instanceof SubmitOutcome.Accepted a) {
        accepted.add(a.experiment().experiment().id());
      }
    }
    return accepted;
  }

  /**
   * Holds the start-up banner back until the demo experiments' first commands (their canaries) are
   * carried out, at most {@code timeout}: the actuation relay starts after the demo runner, and its
   * "applied" lines would otherwise follow the banner, which is meant to be the last line of a
   * start. Runs before the banner's own listener; changes nothing but when the banner is printed
   * and readiness turns to accepting traffic (a fraction of a second later, with the demo's
   * canaries already on the cluster).
   */
  static final class FirstActuations
      implements ApplicationListener<ApplicationReadyEvent>, Ordered {

    private final Transactions transactions;
    private final OutboxRepository outbox;
    private final Duration timeout;
    private final List<String> experimentIds = new CopyOnWriteArrayList<>();

    FirstActuations(Transactions transactions, OutboxRepository outbox, Duration timeout) {
      this.transactions = transactions;
      this.outbox = outbox;
      this.timeout = timeout;
    }

    void expect(List<String> ids) {
      experimentIds.addAll(ids);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        while (pending() > 0 && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private int pending() {
      return transactions.withHandle(
          h -> experimentIds.stream().mapToInt(id -> outbox.pendingActuations(h, id)).sum());
    }

    @Override
    public int getOrder() {
      return 0; // before StartupBanner, which has no order (the lowest precedence)
    }
  }
}
