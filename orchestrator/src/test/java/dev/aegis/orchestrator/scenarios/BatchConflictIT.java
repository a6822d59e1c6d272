package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.EncodedEvent;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.LifecycleService;
import dev.aegis.orchestrator.lifecycle.Decision;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.messaging.IngestListener;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A consumer batch locks an experiment's row only when it writes it. Another writer that changes
 * the row meanwhile makes the batch's write find it moved; the batch then runs again, and both
 * changes stand.
 */
@AegisComponentTest
class BatchConflictIT {

  @Autowired ExperimentService service;
  @Autowired KubernetesClient cluster;
  @Autowired IngestListener ingest;
  @Autowired LifecycleService lifecycle;
  @Autowired MeterRegistry metrics;
  @Autowired Jdbi jdbi;
  @Autowired LifecycleCore core;

  @Test
  @DisplayName(
      "a batch whose experiment an API action changed meanwhile does its work without waiting for"
          + " the action, runs again once the action commits, and both the pause and the window"
          + " stand")
  void batchRunsAgainAfterAConcurrentWrite() throws Exception {
    String id = ScenarioKit.submit(service, cluster, "ferry", "v2");
    EncodedEvent window =
        ScenarioKit.canaryWindows("ferry", "v2", Instant.now().minusSeconds(30), 1, 100, 0, 200)
            .get(0);
    double conflictsBefore = conflicts();
    ExecutorService consumer = Executors.newSingleThreadExecutor();
    try (Handle holder = jdbi.open()) {
      holder.begin();
      // An SRE pauses the experiment; the transaction holds the row until it commits.
      assertThat(
              lifecycle.apply(
                  Tx.of(holder),
                  id,
                  new LifecycleInput.Manual(LifecycleInput.ManualAction.PAUSE, "sre", "look"),
                  LifecycleService.Cause.rest("sre"),
                  Instant.now()))
          .isInstanceOf(LifecycleService.Applied.Done.class);

      Future<?> batch =
          consumer.submit(() -> ingest.onBatch(List.of(ScenarioKit.consumed(window, 2_000))));
      // The batch reads the committed row (CANARY), decides, and waits only at its own write: the
      // journal append that carries a canary's new state, at the tail the pause fenced (ADR-017),
      // or the row's UPDATE when the window changed more than the canary's progress.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  waitingFor("INSERT INTO step_samples")
                      || waitingFor("UPDATE experiments e SET phase"));
      holder.commit();

      batch.get(30, TimeUnit.SECONDS);
    } finally {
      consumer.shutdownNow();
    }

    assertThat(conflicts() - conflictsBefore).as("batches run again").isEqualTo(1.0);
    assertThat(ScenarioKit.experiment(jdbi, id).phase())
        .as("the pause stands")
        .isEqualTo(Phase.PAUSED);
    assertThat(
            query(
                "SELECT outcome FROM processed_events WHERE event_id = '"
                    + ScenarioKit.id(window)
                    + "'"))
        .as("the window, processed once")
        .containsExactly("applied");
    // Stored once, and after the pause, as its second attempt saw: a paused step takes no windows.
    assertThat(
            query(
                "SELECT coalesce(experiment_id, 'none') FROM health_windows WHERE event_id = '"
                    + ScenarioKit.id(window)
                    + "'"))
        .containsExactly("none");
  }

  @Test
  @DisplayName(
      "a batch that decides from this replica's own last write of a canary finds the row moved when"
          + " another replica paused it since, runs again from the table, and the pause stands")
  void batchTrustingItsOwnWriteRunsAgainAfterAnotherReplicaWrote() {
    String id = ScenarioKit.submit(service, cluster, "pier", "v2");
    List<EncodedEvent> windows =
        ScenarioKit.canaryWindows("pier", "v2", Instant.now().minusSeconds(30), 2, 10, 0, 200);
    ingest.onBatch(List.of(ScenarioKit.consumed(windows.get(0), 3_000)));
    assertThat(ScenarioKit.experiment(jdbi, id).progress().windows()).isEqualTo(1);

    otherReplicaDecides(
        id, e -> new LifecycleInput.Manual(LifecycleInput.ManualAction.PAUSE, "sre", ""));
    double conflictsBefore = conflicts();
    ingest.onBatch(List.of(ScenarioKit.consumed(windows.get(1), 3_001)));

    assertThat(conflicts() - conflictsBefore).as("batches run again").isEqualTo(1.0);
    Experiment after = ScenarioKit.experiment(jdbi, id);
    assertThat(after.phase()).as("the pause stands").isEqualTo(Phase.PAUSED);
    assertThat(after.progress().windows()).as("a paused step takes no windows").isEqualTo(1);
    assertThat(windowOwner(windows.get(1))).containsExactly("none");
  }

  @Test
  @DisplayName(
      "a window that a batch refuses for the canary this replica last wrote is judged again when"
          + " another replica has since aborted that canary and started the next experiment,"
          + " which takes the window")
  void refusedWindowIsJudgedAgainWhenTheTrustedCanaryMoved() {
    String first = ScenarioKit.submit(service, cluster, "quay", "v2");
    String second = ScenarioKit.submit(service, cluster, "quay", "v3");
    assertThat(ScenarioKit.experiment(jdbi, second).phase()).isEqualTo(Phase.QUEUED);
    Instant start = Instant.now().minusSeconds(30);
    ingest.onBatch(
        List.of(
            ScenarioKit.consumed(
                ScenarioKit.canaryWindows("quay", "v2", start, 1, 10, 0, 200).get(0), 4_000)));

    otherReplicaDecides(
        first, e -> new LifecycleInput.Manual(LifecycleInput.ManualAction.ABORT, "sre", ""));
    otherReplicaDecides(
        first,
        e ->
            new LifecycleInput.ActuationReport(
                e.actuation().awaiting(),
                "rollback",
                LifecycleInput.ActuationOutcome.APPLIED,
                "traffic back on the stable version"));
    assertThat(ScenarioKit.experiment(jdbi, first).phase()).isEqualTo(Phase.ABORTED);
    otherReplicaDecides(second, e -> new LifecycleInput.Dequeue());
    assertThat(ScenarioKit.experiment(jdbi, second).phase()).isEqualTo(Phase.CANARY);
    // The canary of v3: the first experiment, as this replica last wrote it, refuses it.
    EncodedEvent window =
        ScenarioKit.canaryWindows("quay", "v3", start.plusSeconds(5), 1, 10, 0, 200).get(0);
    double conflictsBefore = conflicts();
    ingest.onBatch(List.of(ScenarioKit.consumed(window, 4_001)));

    assertThat(conflicts() - conflictsBefore).as("batches run again").isEqualTo(1.0);
    assertThat(windowOwner(window)).containsExactly(second);
    assertThat(ScenarioKit.experiment(jdbi, second).progress().windows()).isEqualTo(1);
  }

  /**
   * Another replica's write: its own repository and caches, the decision of the input {@code input}
   * gives for the experiment as stored, and no effect but the row.
   */
  private void otherReplicaDecides(String id, Function<Experiment, LifecycleInput> input) {
    ExperimentRepository other = new ExperimentRepository();
    jdbi.useTransaction(
        h -> {
          Experiment stored = other.findForUpdate(Tx.of(h), id).orElseThrow().experiment();
          Decision d = core.decide(stored, input.apply(stored), Instant.now());
          assertThat(d.isRefused()).as("%s", d.refusal()).isFalse();
          other.update(Tx.of(h), stored.revision(), d.after(), Instant.now());
        });
  }

  /** The experiment a window was stored against, or "none". */
  private List<String> windowOwner(EncodedEvent window) {
    return query(
        "SELECT coalesce(experiment_id, 'none') FROM health_windows WHERE event_id = '"
            + ScenarioKit.id(window)
            + "'");
  }

  private boolean waitingFor(String statement) {
    return !jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
                            + "AND starts_with(query, :statement)")
                    .bind("statement", statement)
                    .mapTo(Integer.class)
                    .list())
        .isEmpty();
  }

  private double conflicts() {
    Counter counter = metrics.find("aegis.batch.conflicts").tag("reason", "stale").counter();
    return counter == null ? 0 : counter.count();
  }

  private List<String> query(String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }
}
