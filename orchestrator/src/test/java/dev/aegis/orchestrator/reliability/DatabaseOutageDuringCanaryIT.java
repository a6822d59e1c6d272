package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.DeadLetterHeaders;
import dev.aegis.events.EncodedEvent;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.deadletter.ReplayService;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.DeadLetterRepository;
import dev.aegis.orchestrator.persistence.DeadLetterRepository.DeadLetter;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.TransitionRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import dev.aegis.orchestrator.testsupport.DatabaseMode;
import dev.aegis.orchestrator.testsupport.RestartablePostgres;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TopicTail;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * PostgreSQL stopped and started again in the middle of a canary, while health keeps arriving. The
 * windows that come during the outage cannot be processed: after their retries they are
 * dead-lettered on {@code aegis.dlq}, which the dead-letter table records once the database is
 * back. Replayed, they take effect; the canary goes on with the windows that follow, and the run
 * ends exactly as one without an outage: the same transitions, each window stored once, every
 * command carried out once (the cluster is the test's {@link ClusterApi}, which logs every write).
 * DatabaseOutageReplayIT covers one dead-lettered window and repeated replays; this is the outage
 * in the course of a whole canary.
 */
@AegisComponentTest(
    database = DatabaseMode.RESTARTABLE,
    properties = {
      "aegis.kubernetes.mode=external",
      "aegis.kubernetes.experiment-resources=false",
      // A command carried out just before the outage cannot record its result, and is retried after
      // its lease
      // (2 min by default); the retry finds its id on the cluster and writes nothing.
      "aegis.kubernetes.lease=5s",
      "aegis.processing.attempts=3",
      "aegis.processing.initial-backoff=100ms",
      "aegis.processing.max-backoff=200ms"
    })
class DatabaseOutageDuringCanaryIT {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SERVICE = "db-outage-canary";
  private static final ExperimentRepository EXPERIMENTS = new ExperimentRepository();
  private static final OutboxRepository OUTBOX = new OutboxRepository();
  private static final TransitionRepository TRANSITIONS = new TransitionRepository();
  private static final InboxRepository INBOX = new InboxRepository();

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
  @Autowired Jdbi jdbi;
  @Autowired RestartablePostgres postgres;
  @Autowired DeadLetterRepository deadLetters;
  @Autowired ReplayService replays;

  @Test
  @DisplayName(
      "health that arrives while PostgreSQL is down is dead-lettered, replayed after the restart, "
          + "and the canary finishes as a run without an outage would")
  void aCanaryOutlivesADatabaseOutage() {
    CanaryEvents.deployStable(CLUSTER.admin(), SERVICE);
    CLUSTER.clearLog();
    SubmitOutcome outcome =
        service.submit(
            CanaryEvents.submission(SERVICE, "v2"), ExperimentService.Origin.rest("test"), null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    String id = ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
    Instant start = Instant.now().minusSeconds(600);
    List<EncodedEvent> windows = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      windows.add(CanaryEvents.window(SERVICE, "v2", start.plusSeconds(i), true));
    }

    windows.subList(0, 2).forEach(CanaryEvents::publish);
    await().atMost(WAIT).until(() -> experiment(id).stepIndex() == 1);

    List<RecordMetadata> duringOutage = publishDuringOutage(windows.subList(2, 4));

    List<DeadLetter> recorded =
        await()
            .atMost(WAIT)
            .ignoreExceptions()
            .until(
                () -> duringOutage.stream().map(this::deadLetterOf).toList(),
                found -> found.stream().allMatch(Optional::isPresent))
            .stream()
            .map(Optional::orElseThrow)
            .toList();
    assertThat(recorded).extracting(DeadLetter::reasonCode).containsOnly("processing-failed");
    assertThat(recorded)
        .extracting(DeadLetter::eventId)
        .containsExactly(CanaryEvents.id(windows.get(2)), CanaryEvents.id(windows.get(3)));
    Experiment afterOutage = experiment(id);
    assertThat(afterOutage.phase()).isEqualTo(Phase.CANARY);
    assertThat(afterOutage.stepIndex())
        .as("nothing of the outage's windows took effect")
        .isEqualTo(1);
    assertThat(afterOutage.progress().windows()).isZero();
    assertThat(processed(windows.get(2)) || processed(windows.get(3))).isFalse();

    for (DeadLetter letter : recorded) {
      assertThat(replays.replay(letter.id(), "test")).isPresent();
    }
    await().atMost(WAIT).until(() -> experiment(id).stepIndex() == 2);
    windows.subList(4, 6).forEach(CanaryEvents::publish);
    await()
        .atMost(WAIT)
        .until(() -> experiment(id).phase() == Phase.PROMOTED && allCommandsDone(id));

    assertThat(transitions(id)).containsExactlyElementsOf(CanaryEvents.PROMOTED_RUN);
    assertThat(jdbi.withHandle(h -> TRANSITIONS.history(Tx.of(h), id)).get(2).causedBy())
        .as("step 2 passed on the replayed windows")
        .endsWith(CanaryEvents.id(windows.get(3)));
    for (EncodedEvent window : windows) {
      assertThat(processed(window)).as("window %s processed", CanaryEvents.id(window)).isTrue();
    }
    assertThat(windowRowsPerEvent())
        .as("each window stored once")
        .hasSize(6)
        .containsOnlyKeys(windows.stream().map(CanaryEvents::id).toList())
        .allSatisfy((event, rows) -> assertThat(rows).isEqualTo(1));
    List<OutboxRepository.Entry> commands = jdbi.withHandle(h -> OUTBOX.ofExperiment(Tx.of(h), id));
    assertThat(commands)
        .extracting(OutboxRepository.Entry::type)
        .containsExactly(
            "SetTrafficWeight", "SetTrafficWeight", "SetTrafficWeight", "PromoteCandidate");
    assertThat(CanaryEvents.stableImage(CLUSTER.admin(), SERVICE))
        .isEqualTo(CanaryEvents.image(SERVICE, "v2"));
    assertThat(CLUSTER.repeatedWrites()).as("objects written twice by one command").isEmpty();
    for (OutboxRepository.Entry command : commands) {
      assertThat(CLUSTER.writes())
          .as("writes of %s", command.id())
          .anyMatch(w -> command.id().equals(w.commandId()));
    }
    assertThat(deadLetterCount())
        .as("dead letters: the outage's two windows, once each")
        .isEqualTo(2);
  }

  /**
   * Stops PostgreSQL, publishes {@code windows}, waits until each is on {@code aegis.dlq} as {@code
   * processing-failed} after its retries, and starts PostgreSQL again; returns where they were
   * published.
   */
  private List<RecordMetadata> publishDuringOutage(List<EncodedEvent> windows) {
    try (TopicTail dlq = SharedInfrastructure.kafka().tail(Topics.DLQ)) {
      postgres.stop();
      try {
        long stopped = System.nanoTime();
        List<RecordMetadata> published = windows.stream().map(CanaryEvents::publish).toList();
        List<ConsumerRecord<String, byte[]>> deadLettered =
            dlq.take(windows.size(), WAIT, r -> SERVICE.equals(r.key()));
        assertThat(deadLettered)
            .allSatisfy(
                r ->
                    assertThat(TopicTail.header(r, DeadLetterHeaders.REASON_CODE))
                        .isEqualTo("processing-failed"));
        System.out.printf(
            "database down %d ms; %d windows dead-lettered meanwhile%n",
            Duration.ofNanos(System.nanoTime() - stopped).toMillis(), deadLettered.size());
        return published;
      } finally {
        postgres.restart();
      }
    }
  }

  private Optional<DeadLetter> deadLetterOf(RecordMetadata original) {
    return jdbi
        .withHandle(
            h ->
                deadLetters.list(
                    Tx.of(h), new DeadLetterRepository.Filter(null, null, null, null), 100))
        .stream()
        .filter(
            d ->
                Topics.HEALTH.equals(d.originalTopic())
                    && d.originalPartition() == original.partition()
                    && d.originalOffset() == original.offset())
        .findFirst();
  }

  private Experiment experiment(String id) {
    return jdbi.withHandle(h -> EXPERIMENTS.find(Tx.of(h), id)).orElseThrow().experiment();
  }

  private boolean allCommandsDone(String id) {
    return jdbi.withHandle(h -> OUTBOX.ofExperiment(Tx.of(h), id)).stream()
        .allMatch(c -> c.status().equals("DONE"));
  }

  private boolean processed(EncodedEvent event) {
    return jdbi.withHandle(
        h -> INBOX.seen(Tx.of(h), CanaryEvents.source(event), CanaryEvents.id(event)));
  }

  private List<String> transitions(String id) {
    return jdbi.withHandle(h -> TRANSITIONS.history(Tx.of(h), id)).stream()
        .map(t -> t.transition().to() + "@" + t.transition().weight())
        .toList();
  }

  private Map<String, Long> windowRowsPerEvent() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT event_id, count(*) AS n FROM health_windows WHERE service = :service GROUP BY event_id")
                .bind("service", SERVICE)
                .reduceRows(
                    new LinkedHashMap<String, Long>(),
                    (map, row) -> {
                      map.put(
                          row.getColumn("event_id", String.class), row.getColumn("n", Long.class));
                      return map;
                    }));
  }

  private int deadLetterCount() {
    return jdbi.withHandle(
        h -> h.createQuery("SELECT count(*) FROM dead_letters").mapTo(Integer.class).one());
  }
}
