package dev.aegis.orchestrator.kubernetes;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aegis.events.EventJson;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.operators.resource.ExperimentGateway;
import dev.aegis.operators.resource.ExperimentStatusView;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.InvalidSubmissionException;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.observability.LogIdentity;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.OutboxRepository;
import dev.aegis.orchestrator.persistence.Transactions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The orchestrator side of the {@code Experiment} custom resource: a resource's spec is submitted
 * as the REST body would be, with the resource's uid as idempotency key, so a resource is one
 * experiment however often it is reconciled. A refusal stores nothing, so a corrected spec can be
 * submitted under the same key.
 */
public final class OrchestratorExperimentGateway implements ExperimentGateway {

  private static final ObjectMapper JSON = EventJson.newObjectMapper();

  private final Transactions transactions;
  private final ExperimentService service;
  private final ExperimentRepository experiments;
  private final OutboxRepository outbox;

  /**
   * Resource namespace → the other namespaces its Experiment resources may act in
   * (admin-configured).
   */
  private final Map<String, List<String>> crossNamespace;

  public OrchestratorExperimentGateway(
      Transactions transactions,
      ExperimentService service,
      ExperimentRepository experiments,
      OutboxRepository outbox,
      Map<String, List<String>> crossNamespace) {
    this.crossNamespace = Map.copyOf(crossNamespace);
    this.transactions = transactions;
    this.service = service;
    this.experiments = experiments;
    this.outbox = outbox;
  }

  @Override
  public SubmitAnswer submit(
      String resourceNamespace, String submissionJson, String idempotencyKey, String actor) {
    ExperimentSubmitted request;
    try {
      request = JSON.readValue(submissionJson, ExperimentSubmitted.class);
    } catch (IOException e) {
      return new SubmitAnswer.Refused("the spec is not a valid submission: " + e.getMessage());
    }
    String target = request.namespace() == null ? resourceNamespace : request.namespace();
    if (resourceNamespace != null
        && !resourceNamespace.equals(target)
        && !crossNamespace.getOrDefault(resourceNamespace, List.of()).contains(target)) {
      return new SubmitAnswer.Refused(
          "spec.namespace: '"
              + target
              + "' is not this resource's namespace '"
              + resourceNamespace
              + "'; an Experiment resource acts only in its own namespace unless "
              + "aegis.security.experiment-resources.cross-namespace."
              + resourceNamespace
              + " lists '"
              + target
              + "'");
    }
    try (LogIdentity ignored =
        LogIdentity.of(null, null, null, LogIdentity.service(target, request.service()))) {
      SubmitOutcome outcome =
          service.submit(
              request,
              new ExperimentService.Origin(actor, "kubernetes", "resource:" + idempotencyKey),
              idempotencyKey);
      if (outcome instanceof SubmitOutcome.QuarantinedImage q) {
        return new SubmitAnswer.Refused(
            q.summary() + " (RCA /api/v1/quarantine/" + q.rcaId() + "/rca)");
      }
      return new SubmitAnswer.Accepted(
          ((SubmitOutcome.Accepted) outcome).experiment().experiment().id());
    } catch (InvalidSubmissionException e) {
      return new SubmitAnswer.Refused(e.field() + ": " + e.getMessage());
    }
  }

  @Override
  public void abort(String experimentId, String actor, String reason) {
    // Refused or not found means it already ended (or is rolling back): nothing is left to abort.
    try (LogIdentity ignored = LogIdentity.of(null, experimentId, null, null)) {
      service.command(experimentId, LifecycleInput.ManualAction.ABORT, actor, reason);
    }
  }

  @Override
  public Optional<ExperimentStatusView> status(String experimentId) {
    return transactions.withHandle(
        h ->
            experiments
                .find(h, experimentId)
                .map(
                    r -> {
                      Experiment e = r.experiment();
                      boolean pending = outbox.pendingActuations(h, e.id()) > 0;
                      String message =
                          e.actuation().problem() != null
                              ? e.actuation().problem()
                              : e.lastJudgment() != null
                                  ? e.lastJudgment().summary()
                                  : e.phase().name();
                      int step =
                          e.phase() == Phase.SUBMITTED || e.phase() == Phase.QUEUED
                              ? 0
                              : e.stepIndex() + 1;
                      return new ExperimentStatusView(
                          e.id(),
                          e.phase().name(),
                          step,
                          e.currentWeight(),
                          message,
                          pending,
                          e.phase() == Phase.QUARANTINED || e.phase() == Phase.RELEASED
                              ? e.id()
                              : null,
                          r.updatedAt());
                    }));
  }
}
