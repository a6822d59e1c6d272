package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.CloudEventHeaders;
import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.operators.actuation.ResilientActuator;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Trigger;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The Kubernetes API failing for "two minutes" in the middle of two canaries, with the production
 * resilience policy scaled down twentyfold (PT2M → 6 s; retries 1 s → 60 s become 50 ms → 3 s; the
 * breaker's 60 s open becomes 3 s; the relay's 2 min lease becomes 6 s). Every request is answered
 * 503 while it lasts, as an API server whose etcd is gone.
 *
 * <p>Health keeps arriving during the outage and the core keeps judging: the healthy candidate
 * passes its steps and is promoted, its traffic shifts and promotion waiting in the outbox; the
 * failing one fails its first step and its rollback waits. The rollback is the command the core
 * waits for, so after three failed tries it raises the alarm SREs get: an {@code actuation.alarmed}
 * event on {@code aegis.lifecycle}, an audit entry and a metric. When the API is back, every
 * command is carried out, each once, and both experiments end where a healthy run ends them: no
 * experiment is failed for the outage. ActuationOutageIT covers the breaker itself on a first
 * traffic shift; this is the outage over a whole canary run.
 */
@AegisComponentTest(
    properties = {
      "aegis.kubernetes.mode=external",
      "aegis.kubernetes.experiment-resources=false",
      "aegis.kubernetes.relay-interval=100ms",
      "aegis.kubernetes.lease=6s",
      "aegis.kubernetes.retry.attempts=5",
      "aegis.kubernetes.retry.initial-backoff=50ms",
      "aegis.kubernetes.retry.max-backoff=3s",
      "aegis.kubernetes.breaker.failures-to-open=5",
      "aegis.kubernetes.breaker.open-duration=3s",
      "aegis.kubernetes.breaker.successes-to-close=3"
    })
class KubernetesApiOutageIT {

  /** PT2M, scaled down as the resilience settings are. */
  private static final Duration OUTAGE = Duration.ofSeconds(6);

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String HEALTHY = "outage-healthy";
  private static final String FAILING = "outage-failing";
  private static final ExperimentRepository EXPERIMENTS = new ExperimentRepository();
  private static final OutboxRepository OUTBOX = new OutboxRepository();
  private static final TransitionRepository TRANSITIONS = new TransitionRepository();

  private static final ClusterApi CLUSTER = new ClusterApi();

  @DynamicPropertySource
  static void actOnTheTestsApiServer(DynamicPropertyRegistry registry) {
    registry.add("aegis.kubernetes.master-url", CLUSTER::masterUrl);
  }

  @AfterAll
  static void stopApiServer() {
    CLUSTER.close();
  }

  @Autowired ExperimentService service;
  @Autowired ResilientActuator actuator;
  @Autowired MeterRegistry metrics;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "a scaled-down two-minute API outage mid-canary: commands wait and retry, the rollback raises "
          + "an alarm, and both experiments end as a healthy run would, every command applied once")
  void canariesRideOutAnApiOutage() {
    CanaryEvents.deployStable(CLUSTER.admin(), HEALTHY);
    CanaryEvents.deployStable(CLUSTER.admin(), FAILING);
    CLUSTER.clearLog();
    String healthy = submit(HEALTHY);
    String failing = submit(FAILING);
    await().atMost(WAIT).until(() -> allDone(healthy) && allDone(failing));
    Instant start = Instant.now().minusSeconds(600);

    try (TopicTail lifecycle = SharedInfrastructure.kafka().tail(Topics.LIFECYCLE)) {
      int writesBefore = CLUSTER.writes().size();
      AtomicBoolean breakerOpened = new AtomicBoolean();
      CLUSTER.outage(true);
      long outageStarted = System.nanoTime();
      for (int i = 0; i < 6; i++) {
        CanaryEvents.publish(CanaryEvents.window(HEALTHY, "v2", start.plusSeconds(i), true));
      }
      CanaryEvents.publish(CanaryEvents.window(FAILING, "v2", start, false));

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                breakerOpened.compareAndSet(
                    false, actuator.breakerState() == CircuitBreaker.State.OPEN);
                assertThat(experiment(healthy).phase()).isEqualTo(Phase.PROMOTED);
                assertThat(experiment(failing).phase()).isEqualTo(Phase.ROLLING_BACK);
                assertThat(experiment(failing).actuation().alarm())
                    .as("alarm on the awaited rollback")
                    .isTrue();
              });
      ConsumerRecord<String, byte[]> alarm =
          lifecycle
              .take(
                  1,
                  WAIT,
                  r ->
                      failing.equals(r.key())
                          && EventType.ACTUATION_ALARMED
                              .type()
                              .equals(TopicTail.header(r, CloudEventHeaders.TYPE)))
              .get(0);
      assertThat(TopicTail.text(alarm)).contains("RollBackCandidate").contains("pending");
      assertThat(auditedAlarms(failing)).as("audit entries actuation.alarm").isEqualTo(1);
      assertThat(alarms(FAILING)).as("aegis.actuation.alarms of %s", FAILING).isEqualTo(1.0);
      assertThat(experiment(healthy).actuation().alarm())
          .as("no alarm for commands nobody waits on")
          .isFalse();

      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                breakerOpened.compareAndSet(
                    false, actuator.breakerState() == CircuitBreaker.State.OPEN);
                for (OutboxRepository.Entry command : commands(healthy)) {
                  if (!command.type().equals("SetTrafficWeight")
                      || !command.status().equals("DONE")) {
                    assertThat(command.status())
                        .as("%s during the outage", command.id())
                        .isEqualTo("PENDING");
                  }
                }
                OutboxRepository.Entry firstWaiting =
                    commands(healthy).stream()
                        .filter(c -> c.status().equals("PENDING"))
                        .findFirst()
                        .orElseThrow();
                assertThat(firstWaiting.attempts())
                    .as("relay rounds of %s", firstWaiting.id())
                    .isGreaterThanOrEqualTo(3);
                assertThat(breakerOpened).as("the breaker opened").isTrue();
              });
      long remaining =
          OUTAGE.toMillis() - Duration.ofNanos(System.nanoTime() - outageStarted).toMillis();
      OrchestratorProcess.sleep(Math.max(0, remaining));
      assertThat(CLUSTER.writes()).as("nothing written during the outage").hasSize(writesBefore);
      List<String> waiting = new ArrayList<>();
      for (String id : List.of(healthy, failing)) {
        commands(id).stream()
            .filter(c -> c.status().equals("PENDING"))
            .forEach(
                c ->
                    waiting.add(
                        c.type() + " tried " + c.attempts() + " times, last: " + c.lastError()));
      }
      System.out.printf(
          "outage of %d ms: %d requests answered 503; waiting commands:%n  %s%n",
          Duration.ofNanos(System.nanoTime() - outageStarted).toMillis(),
          CLUSTER.refused(),
          String.join("\n  ", waiting));
      assertThat(waiting).as("commands waiting at the end of the outage").hasSize(4);
      CLUSTER.outage(false);
    }

    long recovered = System.nanoTime();
    await()
        .atMost(WAIT)
        .until(
            () ->
                experiment(failing).phase() == Phase.QUARANTINED
                    && allDone(healthy)
                    && allDone(failing));
    System.out.printf(
        "every command done %d ms after the API came back%n",
        Duration.ofNanos(System.nanoTime() - recovered).toMillis());

    assertThat(transitions(healthy)).containsExactlyElementsOf(CanaryEvents.PROMOTED_RUN);
    assertThat(triggers(healthy)).doesNotContain(Trigger.ABORT, Trigger.STEP_FAILED);
    assertThat(triggers(failing))
        .containsExactly(Trigger.START, Trigger.STEP_FAILED, Trigger.QUARANTINE);
    assertThat(experiment(failing).actuation().alarm())
        .as("alarm over once the rollback is applied")
        .isFalse();
    assertThat(types(healthy))
        .containsExactly(
            "SetTrafficWeight", "SetTrafficWeight", "SetTrafficWeight", "PromoteCandidate");
    assertThat(types(failing))
        .containsExactly("SetTrafficWeight", "RollBackCandidate", "QuarantineCandidate");
    assertThat(CLUSTER.repeatedWrites()).as("objects written twice by one command").isEmpty();
    for (String id : List.of(healthy, failing)) {
      for (OutboxRepository.Entry command : commands(id)) {
        assertThat(CLUSTER.writes())
            .as("writes of %s", command.id())
            .anyMatch(w -> command.id().equals(w.commandId()));
      }
    }
    assertThat(CanaryEvents.stableImage(CLUSTER.admin(), HEALTHY))
        .isEqualTo(CanaryEvents.image(HEALTHY, "v2"));
    assertThat(CanaryEvents.stableImage(CLUSTER.admin(), FAILING))
        .isEqualTo(CanaryEvents.image(FAILING, "v1"));
    assertThat(deadLetterCount())
        .as("health that arrived during the outage was processed, none dead-lettered")
        .isZero();
  }

  private String submit(String serviceName) {
    SubmitOutcome outcome =
        service.submit(
            CanaryEvents.submission(serviceName, "v2"),
            ExperimentService.Origin.rest("test"),
            null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    return ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
  }

  private Experiment experiment(String id) {
    return jdbi.withHandle(h -> EXPERIMENTS.find(Tx.of(h), id)).orElseThrow().experiment();
  }

  private List<OutboxRepository.Entry> commands(String id) {
    return jdbi.withHandle(h -> OUTBOX.ofExperiment(Tx.of(h), id));
  }

  private boolean allDone(String id) {
    return commands(id).stream().allMatch(c -> c.status().equals("DONE"));
  }

  private List<String> types(String id) {
    return commands(id).stream().map(OutboxRepository.Entry::type).toList();
  }

  private List<String> transitions(String id) {
    return jdbi.withHandle(h -> TRANSITIONS.history(Tx.of(h), id)).stream()
        .map(t -> t.transition().to() + "@" + t.transition().weight())
        .toList();
  }

  private List<Trigger> triggers(String id) {
    return jdbi.withHandle(h -> TRANSITIONS.history(Tx.of(h), id)).stream()
        .map(t -> t.transition().trigger())
        .toList();
  }

  private int auditedAlarms(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM audit_log WHERE action = 'actuation.alarm' AND target = :id")
                .bind("id", id)
                .mapTo(Integer.class)
                .one());
  }

  private double alarms(String serviceName) {
    return metrics.find("aegis.actuation.alarms").tag("service", serviceName).counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  private int deadLetterCount() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM dead_letters").mapTo(Integer.class).one());
  }
}
