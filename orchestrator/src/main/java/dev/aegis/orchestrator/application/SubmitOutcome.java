package dev.aegis.orchestrator.application;

import dev.aegis.orchestrator.persistence.ExperimentRecord;

/** What became of a submission. */
public sealed interface SubmitOutcome {

  /**
   * Accepted: the experiment exists (already started or queued). {@code replayed}: same idempotency
   * key as before.
   */
  record Accepted(ExperimentRecord experiment, boolean replayed) implements SubmitOutcome {}

  /** Refused: the image is quarantined (V3) and was not released. */
  record QuarantinedImage(String image, String rcaId, String summary) implements SubmitOutcome {}
}
