package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.operators.actuation.ActuationCommand;
import dev.aegis.operators.actuation.ActuationResult;
import dev.aegis.operators.actuation.Actuator;
import dev.aegis.orchestrator.actuation.ActuationRelay;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.Command;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ManualAction;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxMessage;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.MovableClock;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.search.Search;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The actuation relay carrying out a burst of commands for many services at once, on the real
 * database and a real (fabric8 CRUD) API server whose write log is the judge: every command applied
 * and settled once, one service's commands reaching the server in the order they were decided, and
 * two relays on one database (two replicas) never carrying out one command twice.
 *
 * <p>The application's own relay stays idle (its first pass is an hour away, and commits do not
 * wake it): the test drives relays of its own, built from the application's parts, as a replica
 * builds its one.
 */
@AegisComponentTest(
    properties = {
      "aegis.kubernetes.mode=external",
      "aegis.kubernetes.experiment-resources=false",
      "aegis.kubernetes.relay-interval=1h",
      "aegis.kubernetes.relay-on-commit=false"
    })
class ConcurrentActuationIT {

  private static final Duration LEASE = Duration.ofMinutes(2);

  /** A lease short enough for a test to outlast several times: renewed every second. */
  private static final Duration SHORT_LEASE = Duration.ofSeconds(3);

  private static final ClusterApi CLUSTER = new ClusterApi();

  /** Commands a test deferred on purpose: settled after two attempts, not one. */
  private static final List<String> DEFERRED_ON_PURPOSE = new CopyOnWriteArrayList<>();

  @DynamicPropertySource
  static void actOnTheTestsApiServer(DynamicPropertyRegistry registry) {
    registry.add("aegis.kubernetes.master-url", CLUSTER::masterUrl);
  }

  @AfterAll
  static void stopApiServer() {
    CLUSTER.close();
  }

  @Autowired ExperimentService service;
  @Autowired LifecycleService lifecycle;
  @Autowired Transactions transactions;
  @Autowired OutboxRepository outbox;
  @Autowired ExperimentRepository experiments;
  @Autowired AuditRepository audit;
  @Autowired Actuator actuator;
  @Autowired Clock clock;
  @Autowired Jdbi jdbi;

  @Test
  @DisplayName(
      "a burst for many services is applied in full, each command settled once, and one service's "
          + "commands reach the server in the order they were decided")
  void burstKeepsEachServiceInOrder() {
    List<String> started = submitAll(services("burst", 40));
    List<String> aborted = started.subList(0, 5);
    aborted.forEach(this::abort);
    List<String> scaled = services("scaled", 4);
    scaled.forEach(s -> CanaryEvents.deployStable(CLUSTER.admin(), s));
    List<List<String>> scaleCommands = scaled.stream().map(s -> queueScales(s, 5)).toList();
    int commands = pendingActuations();
    assertThat(commands).isEqualTo(40 + 5 + 4 * 5);
    CLUSTER.clearLog();

    SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    try (ActuationRelay relay = relay(8, metrics, clock)) {
      assertThat(relay.drain()).as("commands carried out in one pass").isEqualTo(commands);
    }

    assertEachSettledOnce(commands, List.of(metrics));
    for (int i = 0; i < scaled.size(); i++) {
      assertThat(commandsWriting("/deployments/" + scaled.get(i)))
          .as("scale commands of %s in the order the server took them", scaled.get(i))
          .containsExactlyElementsOf(scaleCommands.get(i));
      assertThat(replicas(scaled.get(i))).isEqualTo(6);
    }
    for (String id : aborted) {
      List<OutboxRepository.Entry> ofExperiment = commandsOf(id);
      assertThat(ofExperiment)
          .extracting(OutboxRepository.Entry::type)
          .containsExactly("SetTrafficWeight", "RollBackCandidate");
      List<String> written = commandsWritingAny();
      assertThat(written.lastIndexOf(ofExperiment.get(0).id()))
          .as("the traffic shift of %s is written before its rollback", id)
          .isLessThan(written.indexOf(ofExperiment.get(1).id()))
          .isNotNegative();
      assertThat(phase(id)).isEqualTo(Phase.ABORTED);
    }
    for (String id : started.subList(5, started.size())) {
      assertThat(commandsOf(id))
          .singleElement()
          .satisfies(c -> assertThat(commandsWritingAny()).contains(c.id()));
    }
  }

  @Test
  @DisplayName(
      "two relays on one database, as two replicas, share a burst and never carry out one command twice")
  void twoRelaysNeverCarryOutOneCommandTwice() throws Exception {
    submitAll(services("shared", 60));
    List<String> scaled = services("shared-scaled", 3);
    scaled.forEach(s -> CanaryEvents.deployStable(CLUSTER.admin(), s));
    List<List<String>> scaleCommands = scaled.stream().map(s -> queueScales(s, 5)).toList();
    int commands = pendingActuations();
    CLUSTER.clearLog();

    SimpleMeterRegistry first = new SimpleMeterRegistry();
    SimpleMeterRegistry second = new SimpleMeterRegistry();
    int[] carried;
    try (ActuationRelay a = relay(4, first, clock);
        ActuationRelay b = relay(4, second, clock)) {
      CompletableFuture<Integer> byA = CompletableFuture.supplyAsync(a::drain);
      CompletableFuture<Integer> byB = CompletableFuture.supplyAsync(b::drain);
      carried = new int[] {byA.get(), byB.get()};
    }
    System.out.printf(
        "two relays shared %d commands: %d and %d%n", commands, carried[0], carried[1]);

    assertThat(carried[0] + carried[1]).as("commands leased by both relays").isEqualTo(commands);
    assertEachSettledOnce(commands, List.of(first, second));
    for (int i = 0; i < scaled.size(); i++) {
      assertThat(commandsWriting("/deployments/" + scaled.get(i)))
          .as("scale commands of %s in the order the server took them", scaled.get(i))
          .containsExactlyElementsOf(scaleCommands.get(i));
    }
  }

  @Test
  @DisplayName(
      "a relay closed in the middle of a burst loses no command: the next relay carries out the "
          + "rest, and nothing twice")
  void closingMidBurstLosesNothing() throws Exception {
    submitAll(services("closed", 60));
    int commands = pendingActuations();
    CLUSTER.clearLog();

    SimpleMeterRegistry closedOne = new SimpleMeterRegistry();
    ActuationRelay relay = relay(4, closedOne, clock);
    CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(relay::drain);
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> result(closedOne) >= 5);
    relay.close();
    int byClosed = pass.get();
    int left = pendingActuations();
    System.out.printf(
        "closed after %d of %d commands were leased; %d left%n", byClosed, commands, left);
    assertThat(left).as("commands the closed relay left").isPositive();

    // Later than any lease the closed relay may have left behind.
    SimpleMeterRegistry next = new SimpleMeterRegistry();
    try (ActuationRelay successor =
        relay(4, next, Clock.offset(clock, LEASE.plus(Duration.ofSeconds(1))))) {
      assertThat(successor.drain()).isEqualTo(left);
    }

    assertEachSettledOnce(commands, List.of(closedOne, next));
  }

  @Test
  @DisplayName(
      "a burst of first traffic shifts, carried out with 1 and with 8 workers, against the "
          + "in-process server and one answering 10 ms late (timed)")
  void burstWithOneAndEightWorkers() {
    // Six commands per worker of the larger relay: enough for every worker to take several, and
    // for the checks below. The times printed are for reading, not judged; -Daegis.it.actuation-
    // burst=N times a larger burst (150 until 2026-12-06, which took 80 s of the suite).
    int burst = Integer.getInteger("aegis.it.actuation-burst", 48);
    try {
      for (Duration latency : List.of(Duration.ZERO, Duration.ofMillis(10))) {
        for (int workers : new int[] {1, 8}) {
          submitAll(services("timed" + latency.toMillis() + "ms" + workers, burst));
          CLUSTER.clearLog();
          CLUSTER.latency(latency);
          SimpleMeterRegistry metrics = new SimpleMeterRegistry();
          long start = System.nanoTime();
          int carried;
          try (ActuationRelay relay = relay(workers, metrics, clock)) {
            carried = relay.drain();
          }
          long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
          CLUSTER.latency(Duration.ZERO);
          System.out.printf(
              "%d first traffic shifts, API answering after %d ms, %d worker(s): %d ms, %.1f "
                  + "commands/s%n",
              burst, latency.toMillis(), workers, millis, burst * 1000.0 / Math.max(1, millis));
          assertThat(carried).isEqualTo(burst);
          assertEachSettledOnce(burst, List.of(metrics));
        }
      }
    } finally {
      CLUSTER.latency(Duration.ZERO);
    }
  }

  @Test
  @DisplayName(
      "a relay whose call outlasts its lease writes no object after the lease's end; the command"
          + " is carried out later, each object written once")
  void aCallOutlastingItsLeaseWritesNothingAfterIt() throws Exception {
    String id = submitAll(services("outlasted", 1)).get(0);
    String command = commandsOf(id).get(0).id();
    DEFERRED_ON_PURPOSE.add(command);
    CLUSTER.clearLog();
    // The relay's clock stands still, then moves past the end of the lease while its call waits
    // on a slow API server (each request 200 ms; the command reads several objects before its
    // first write), as a paused process or a stalled network would leave it.
    MovableClock paused = new MovableClock(clock.instant());
    CLUSTER.latency(Duration.ofMillis(200));
    // A deferred command waits a minute before its next attempt, so this relay's pass ends with it.
    ActuationRelay.Settings waiting =
        new ActuationRelay.Settings(
            1, LEASE, Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMillis(100));
    try (ActuationRelay slow = relay(new SimpleMeterRegistry(), paused, waiting)) {
      CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(slow::drain);
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> leased(command));
      paused.advance(LEASE);
      pass.get(60, TimeUnit.SECONDS);
    } finally {
      CLUSTER.latency(Duration.ZERO);
    }

    assertThat(CLUSTER.writes()).as("objects written after the lease ran out").isEmpty();
    assertThat(commandsOf(id).get(0))
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("PENDING");
              assertThat(c.lastError()).contains("lease on the command ran out before");
            });

    Clock later = Clock.offset(clock, LEASE.plusMinutes(2));
    try (ActuationRelay next = relay(1, new SimpleMeterRegistry(), later)) {
      assertThat(next.drain()).isEqualTo(1);
    }
    assertThat(commandsOf(id).get(0))
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("DONE");
              assertThat(c.attempts())
                  .as("the deferred call, then the one that applied")
                  .isEqualTo(2);
            });
    assertThat(commandsWritingAny()).isNotEmpty().allMatch(command::equals);
    assertThat(CLUSTER.repeatedWrites()).isEmpty();
  }

  /** Whether {@code command} is leased: its next attempt moved out to the end of a lease. */
  private boolean leased(String command) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                        "SELECT count(*) FROM outbox WHERE id = :id AND status = 'PENDING' "
                            + "AND next_attempt_at > now() + interval '30 seconds'")
                    .bind("id", command)
                    .mapTo(Integer.class)
                    .one()
                == 1);
  }

  @Test
  @DisplayName(
      "a pass that waits for a running command leases a command committed meanwhile once woken, not"
          + " at its interval")
  void wakeLeasesNewCommandsDuringAPass() throws Exception {
    submitAll(List.of("held-1"));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    // An hour between looks: only a finished command or a wake-up makes the pass lease again.
    ActuationRelay.Settings settings =
        new ActuationRelay.Settings(
            8, LEASE, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofHours(1));
    try (ActuationRelay relay =
        relay(new SimpleMeterRegistry(), clock, holding("held-1", entered, release), settings)) {
      CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(relay::drain);
      assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();
      String late = submitAll(List.of("late-1")).get(0);
      relay.wake();

      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(commandsOf(late))
                      .extracting(OutboxRepository.Entry::status)
                      .containsOnly("DONE"));
      assertThat(pass).as("the held command still runs").isNotDone();
      release.countDown();
      assertThat(pass.get(60, TimeUnit.SECONDS)).as("commands the pass carried out").isEqualTo(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  @DisplayName(
      "a call that runs longer than its lease keeps it by renewal: another relay does not take the"
          + " command over, and the first settles it once")
  void aLongCallKeepsItsLeaseByRenewal() throws Exception {
    HeldCall held = new HeldCall("renewed-1");
    try (held;
        ActuationRelay b = relay(new SimpleMeterRegistry(), clock, actuator, shortLease())) {
      // For three leases another relay looks for due commands, as a second replica does, and the
      // held command stays pending throughout.
      await()
          .during(SHORT_LEASE.multipliedBy(3))
          .atMost(SHORT_LEASE.multipliedBy(3).plusSeconds(30))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                b.drain();
                assertThat(commandsOf(held.experiment).get(0).status())
                    .as("the held command while its call runs")
                    .isEqualTo("PENDING");
              });
      held.release.countDown();
      assertThat(held.pass.get(60, TimeUnit.SECONDS))
          .as("commands the first relay carried out")
          .isOne();
    }

    assertThat(commandsOf(held.experiment).get(0))
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("DONE");
              assertThat(c.attempts()).isOne();
            });
    assertThat(commandsWritingAny()).isNotEmpty().allMatch(held.command::equals);
    assertThat(CLUSTER.repeatedWrites()).isEmpty();
    assertThat(renewals(held.metrics, "renewed"))
        .as("renewals during the call")
        .isGreaterThanOrEqualTo(4);
    assertThat(result(held.metrics)).as("results the first relay recorded").isOne();
  }

  @Test
  @DisplayName(
      "a relay whose lease was taken over during its call learns it at its next renewal, writes"
          + " nothing more and records no result; the relay that took it over settles the command")
  void aLeaseTakenOverIsLostAtTheNextRenewal() throws Exception {
    HeldCall held = new HeldCall("taken-1");
    try (held) {
      // As after a lapse (a replica paused longer than its lease): the command is due again, and
      // another relay carries it out.
      jdbi.useHandle(
          h ->
              h.createUpdate(
                      "UPDATE outbox SET next_attempt_at = now() - interval '1 second' "
                          + "WHERE id = :id")
                  .bind("id", held.command)
                  .execute());
      try (ActuationRelay b = relay(1, new SimpleMeterRegistry(), clock)) {
        assertThat(b.drain()).isPositive();
      }
      assertThat(commandsOf(held.experiment).get(0).status()).isEqualTo("DONE");
      await().atMost(Duration.ofSeconds(30)).until(() -> renewals(held.metrics, "lost") == 1);
      CLUSTER.clearLog();
      held.release.countDown();
      held.pass.get(60, TimeUnit.SECONDS);
    }

    assertThat(CLUSTER.writes())
        .as("objects the first relay wrote after losing its lease")
        .isEmpty();
    assertThat(result(held.metrics)).as("results the first relay recorded").isZero();
    assertThat(Search.in(held.metrics).name("aegis.actuation.lease.lost").counter().count())
        .isOne();
    assertThat(commandsOf(held.experiment).get(0))
        .satisfies(
            c -> {
              assertThat(c.status()).isEqualTo("DONE");
              assertThat(c.attempts()).as("the call of the relay that took it over").isOne();
            });
  }

  /**
   * A relay with a {@link #SHORT_LEASE} whose call for the first command of a new experiment of
   * {@code service} waits for {@link #release}, on a pass of its own; built once the call began.
   */
  private final class HeldCall implements AutoCloseable {
    final String experiment;
    final String command;
    final CountDownLatch release = new CountDownLatch(1);
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();
    final ActuationRelay relay;
    final CompletableFuture<Integer> pass;

    HeldCall(String service) throws InterruptedException {
      experiment = submitAll(List.of(service)).get(0);
      command = commandsOf(experiment).get(0).id();
      CLUSTER.clearLog();
      CountDownLatch entered = new CountDownLatch(1);
      relay = relay(metrics, clock, holding(service, entered, release), shortLease());
      pass = CompletableFuture.supplyAsync(relay::drain);
      assertThat(entered.await(30, TimeUnit.SECONDS)).as("the held call began").isTrue();
    }

    @Override
    public void close() {
      release.countDown();
      relay.close();
    }
  }

  /** A lease of {@link #SHORT_LEASE}, renewed every second, one worker. */
  private static ActuationRelay.Settings shortLease() {
    return new ActuationRelay.Settings(
        1, SHORT_LEASE, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(100));
  }

  private static double renewals(MeterRegistry metrics, String outcome) {
    return Search.in(metrics)
        .name("aegis.actuation.lease.renewals")
        .tag("outcome", outcome)
        .counters()
        .stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  /**
   * The application's actuator, whose calls for {@code service} wait for {@code release} after
   * counting down {@code entered}.
   */
  private Actuator holding(String service, CountDownLatch entered, CountDownLatch release) {
    return new Actuator() {
      @Override
      public ActuationResult apply(ActuationCommand command) {
        return actuator.apply(command);
      }

      @Override
      public ActuationResult apply(ActuationCommand command, BooleanSupplier mayWrite) {
        if (command.service().equals(service)) {
          entered.countDown();
          awaitQuietly(release);
        }
        return actuator.apply(command, mayWrite);
      }
    };
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await(60, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private ActuationRelay relay(int workers, MeterRegistry metrics, Clock relayClock) {
    return relay(
        metrics,
        relayClock,
        new ActuationRelay.Settings(
            workers, LEASE, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(100)));
  }

  private ActuationRelay relay(
      MeterRegistry metrics, Clock relayClock, ActuationRelay.Settings settings) {
    return relay(metrics, relayClock, actuator, settings);
  }

  private ActuationRelay relay(
      MeterRegistry metrics,
      Clock relayClock,
      Actuator relayActuator,
      ActuationRelay.Settings settings) {
    return new ActuationRelay(
        transactions,
        outbox,
        experiments,
        audit,
        lifecycle,
        relayActuator,
        metrics,
        relayClock,
        settings);
  }

  private static List<String> services(String prefix, int count) {
    return IntStream.rangeClosed(1, count).mapToObj(i -> prefix + "-" + i).toList();
  }

  /** Deploys each service's stable workload and submits an experiment for it. */
  private List<String> submitAll(List<String> names) {
    List<String> ids = new ArrayList<>();
    for (String name : names) {
      CanaryEvents.deployStable(CLUSTER.admin(), name);
      SubmitOutcome outcome =
          service.submit(
              CanaryEvents.submission(name, "v2"), ExperimentService.Origin.rest("test"), null);
      assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
      ids.add(((SubmitOutcome.Accepted) outcome).experiment().experiment().id());
    }
    return ids;
  }

  /** Aborts a canary whose first traffic shift is still pending: a rollback queues behind it. */
  private void abort(String id) {
    LifecycleService.Applied applied =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    id,
                    new LifecycleInput.Manual(ManualAction.ABORT, "sre", "wrong build"),
                    LifecycleService.Cause.rest("sre"),
                    Instant.now()));
    assertThat(applied).isInstanceOf(LifecycleService.Applied.Done.class);
  }

  /** Queues {@code count} scalings of the service's stable Deployment, to 2, 3, ... replicas. */
  private List<String> queueScales(String name, int count) {
    List<String> ids = new ArrayList<>();
    transactions.useTransaction(
        tx -> {
          for (int i = 0; i < count; i++) {
            String id = "service:" + name + ":scale:" + (i + 1);
            outbox.add(
                tx,
                new OutboxMessage.Actuation(
                    new Command.ScaleStable(
                        id, name, CanaryEvents.NAMESPACE, 2 + i, 1, 10, "test " + (i + 1))),
                Instant.now());
            ids.add(id);
          }
        });
    return ids;
  }

  /**
   * Every actuation command DONE after one attempt, each result counted once by the relays that
   * carried them out, none lost to an expired lease, and no object written twice by one command.
   */
  private void assertEachSettledOnce(int commands, List<SimpleMeterRegistry> relays) {
    assertThat(pendingActuations()).as("actuation commands still pending").isZero();
    List<String> states =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT status || ' after ' || attempts FROM outbox "
                            + "WHERE kind = 'actuation' AND NOT (id = ANY(:deferred)) GROUP BY 1")
                    .bindArray("deferred", String.class, DEFERRED_ON_PURPOSE)
                    .mapTo(String.class)
                    .list());
    assertThat(states)
        .as("status and attempts of every actuation command")
        .containsExactly("DONE after 1");
    assertThat(relays.stream().mapToDouble(ConcurrentActuationIT::result).sum())
        .as("results recorded by the relays")
        .isEqualTo(commands);
    assertThat(
            relays.stream()
                .mapToDouble(
                    r ->
                        Search.in(r).name("aegis.actuation.lease.lost").counters().stream()
                            .mapToDouble(c -> c.count())
                            .sum())
                .sum())
        .as("leases lost")
        .isZero();
    assertThat(CLUSTER.repeatedWrites()).as("objects written twice by one command").isEmpty();
  }

  private static double result(MeterRegistry metrics) {
    return Search.in(metrics).name("aegis.actuation.results").counters().stream()
        .mapToDouble(c -> c.count())
        .sum();
  }

  private int pendingActuations() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT count(*) FROM outbox WHERE kind = 'actuation' AND status = 'PENDING'")
                .mapTo(Integer.class)
                .one());
  }

  /** The command ids of the writes to paths ending in {@code objectSuffix}, in server order. */
  private static List<String> commandsWriting(String objectSuffix) {
    return CLUSTER.writes().stream()
        .filter(w -> w.object().endsWith(objectSuffix) && w.commandId() != null)
        .map(ClusterApi.Write::commandId)
        .toList();
  }

  private static List<String> commandsWritingAny() {
    return CLUSTER.writes().stream()
        .map(ClusterApi.Write::commandId)
        .filter(id -> id != null)
        .toList();
  }

  private List<OutboxRepository.Entry> commandsOf(String id) {
    return transactions.withHandle(tx -> outbox.ofExperiment(tx, id));
  }

  private Phase phase(String id) {
    return transactions
        .withHandle(tx -> experiments.find(tx, id))
        .orElseThrow()
        .experiment()
        .phase();
  }

  private static int replicas(String name) {
    return CLUSTER
        .admin()
        .apps()
        .deployments()
        .inNamespace(CanaryEvents.NAMESPACE)
        .withName(name)
        .get()
        .getSpec()
        .getReplicas();
  }
}
