package dev.aegis.operators.resource;

import java.util.Optional;

/**
 * What the {@code Experiment} custom resource reconciler needs from the orchestrator: submit, abort
 * and read back an experiment. Implemented by the orchestrator; the reconciler knows nothing else
 * of it.
 */
public interface ExperimentGateway {

  /**
   * Submits an experiment. {@code submissionJson} is the same JSON body as {@code POST
   * /api/v1/experiments} (service, namespace, candidate, optional policy, optional router).
   * Submitting again with the same {@code idempotencyKey} (the resource's uid) returns the first
   * answer and creates nothing new. {@code resourceNamespace} is where the resource lives: an
   * experiment acts there only, unless the orchestrator's configuration lets that namespace act in
   * the one the spec names.
   */
  SubmitAnswer submit(
      String resourceNamespace, String submissionJson, String idempotencyKey, String actor);

  /** Aborts a running experiment; does nothing for one that has already ended. */
  void abort(String experimentId, String actor, String reason);

  /** The experiment's current status, or empty when the id is unknown. */
  Optional<ExperimentStatusView> status(String experimentId);

  /** The orchestrator's answer to a submission. */
  sealed interface SubmitAnswer {
    /** Accepted, with the experiment id. */
    record Accepted(String experimentId) implements SubmitAnswer {}

    /**
     * Refused with a reason (invalid body, quarantined image, …); the resource's status shows it.
     */
    record Refused(String reason) implements SubmitAnswer {}
  }
}
