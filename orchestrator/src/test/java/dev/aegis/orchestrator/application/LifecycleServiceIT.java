package dev.aegis.orchestrator.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ManualAction;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.persistence.AuditRepository;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The one use case every door shares, on the real database: what {@link LifecycleService#apply}
 * locks, refuses, audits and dequeues, whichever input it is given.
 */
// The relay stays idle (its first pass is an hour away, and commits do not wake it), so this test
// reports actuation results itself.
@AegisComponentTest(
    properties = {"aegis.kubernetes.relay-interval=1h", "aegis.kubernetes.relay-on-commit=false"})
class LifecycleServiceIT {

  private static final String NAMESPACE = "apply";

  @Autowired LifecycleService lifecycle;
  @Autowired ExperimentService experimentsService;
  @Autowired ExperimentRepository experiments;
  @Autowired AuditRepository audit;
  @Autowired Transactions transactions;
  @Autowired Jdbi jdbi;
  @Autowired KubernetesClient cluster;

  @Test
  @DisplayName("an input for an experiment that does not exist is NotFound and writes nothing")
  void unknownExperiment() {
    LifecycleService.Applied applied =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    "no-such-experiment",
                    new LifecycleInput.Manual(ManualAction.PAUSE, "alice", "why"),
                    LifecycleService.Cause.rest("alice"),
                    Instant.now()));

    assertThat(applied).isEqualTo(new LifecycleService.Applied.NotFound("no-such-experiment"));
  }

  @Test
  @DisplayName(
      "a human command the phase refuses changes nothing and is audited as refused, with the reason")
  void refusedCommandIsAudited() {
    String id = submit("ledger", "v2");

    LifecycleService.Applied applied =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    id,
                    new LifecycleInput.Manual(ManualAction.RESUME, "alice", "nothing to resume"),
                    LifecycleService.Cause.rest("alice"),
                    Instant.now()));

    assertThat(applied).isInstanceOf(LifecycleService.Applied.Refused.class);
    assertThat(phase(id)).isEqualTo(Phase.CANARY);
    var entries =
        transactions.withHandle(tx -> audit.after(tx, 0, 10_000)).stream()
            .filter(e -> id.equals(e.target()))
            .toList();
    assertThat(entries)
        .extracting(AuditRepository.Entry::action)
        .contains("experiment.resume.refused");
    assertThat(entries)
        .filteredOn(e -> e.action().equals("experiment.resume.refused"))
        .allSatisfy(e -> assertThat(e.actor()).isEqualTo("alice"));
  }

  @Test
  @DisplayName(
      "a decision that frees the service starts the oldest queued experiment in the same transaction")
  void freeingDecisionDequeues() {
    String first = submit("billing", "v2");
    String second = submit("billing", "v3");
    assertThat(phase(second)).isEqualTo(Phase.QUEUED);

    LifecycleService.Applied aborted =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    first,
                    new LifecycleInput.Manual(ManualAction.ABORT, "bob", "wrong build"),
                    LifecycleService.Cause.rest("bob"),
                    Instant.now()));
    assertThat(aborted).isInstanceOf(LifecycleService.Applied.Done.class);
    LifecycleService.Applied.Done rollingBack = (LifecycleService.Applied.Done) aborted;
    assertThat(rollingBack.decision().after().phase())
        .as("the service is held until the rollback is applied")
        .isEqualTo(Phase.ROLLING_BACK);
    assertThat(rollingBack.dequeued()).isEmpty();
    String rollback = rollingBack.decision().after().actuation().awaiting();

    LifecycleService.Applied applied =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    first,
                    new LifecycleInput.ActuationReport(
                        rollback,
                        "RollBackCandidate",
                        LifecycleInput.ActuationOutcome.APPLIED,
                        "traffic back on stable"),
                    LifecycleService.Cause.actuation(rollback),
                    Instant.now()));

    assertThat(applied).isInstanceOf(LifecycleService.Applied.Done.class);
    LifecycleService.Applied.Done done = (LifecycleService.Applied.Done) applied;
    assertThat(done.decision().after().phase()).isEqualTo(Phase.ABORTED);
    assertThat(done.decision().freedService()).isTrue();
    assertThat(done.dequeued()).hasValueSatisfying(e -> assertThat(e.id()).isEqualTo(second));
    assertThat(phase(second)).isEqualTo(Phase.CANARY);
    var actions =
        transactions.withHandle(tx -> audit.after(tx, 0, 10_000)).stream()
            .filter(e -> first.equals(e.target()))
            .map(AuditRepository.Entry::action)
            .toList();
    assertThat(actions).contains("experiment.abort");
  }

  @Test
  @DisplayName(
      "the silence timer skips an experiment another transaction holds instead of waiting for it")
  void silenceTimerSkipsALockedExperiment() {
    String id = submit("payroll", "v2");

    try (Handle holder = jdbi.open()) {
      holder.begin();
      experiments.findForUpdate(Tx.of(holder), id).orElseThrow();

      LifecycleService.Applied applied =
          transactions.inTransaction(
              tx ->
                  lifecycle.apply(
                      tx,
                      id,
                      new LifecycleInput.CheckSilence(),
                      LifecycleService.Cause.timer("silence"),
                      Instant.now().plus(Duration.ofHours(1))));

      assertThat(applied).isEqualTo(new LifecycleService.Applied.NotFound(id));
      holder.rollback();
    }
    LifecycleService.Applied unlocked =
        transactions.inTransaction(
            tx ->
                lifecycle.apply(
                    tx,
                    id,
                    new LifecycleInput.CheckSilence(),
                    LifecycleService.Cause.timer("silence"),
                    Instant.now().plus(Duration.ofHours(1))));
    assertThat(unlocked)
        .as("once the holder is gone the timer flags the silent step")
        .isInstanceOfSatisfying(
            LifecycleService.Applied.Done.class,
            done -> assertThat(done.decision().after().silent()).isTrue());
  }

  private String submit(String service, String version) {
    if (cluster.apps().deployments().inNamespace(NAMESPACE).withName(service).get() == null) {
      cluster
          .resource(
              ClusterFixtures.stableDeployment(
                  NAMESPACE, service, "registry.local/" + service + ":v1", 4))
          .create();
      cluster.resource(ClusterFixtures.stableService(NAMESPACE, service)).create();
    }
    ExperimentSubmitted request =
        new ExperimentSubmitted(
            service,
            NAMESPACE,
            new Candidate(version, "registry.local/" + service + ":" + version),
            new PolicySpec(
                List.of(
                    new StepSpec(10, Duration.ofMinutes(1)),
                    new StepSpec(100, Duration.ofMinutes(1))),
                new SloSpec(0.05, 400.0),
                50L,
                Duration.ofMinutes(1)));
    SubmitOutcome outcome =
        experimentsService.submit(request, ExperimentService.Origin.rest("test"), null);
    assertThat(outcome).isInstanceOf(SubmitOutcome.Accepted.class);
    String id = ((SubmitOutcome.Accepted) outcome).experiment().experiment().id();
    await().atMost(Duration.ofSeconds(30)).until(() -> phase(id) != Phase.SUBMITTED);
    return id;
  }

  private Phase phase(String id) {
    return transactions
        .withHandle(tx -> experiments.find(tx, id))
        .orElseThrow()
        .experiment()
        .phase();
  }
}
