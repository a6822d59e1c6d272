package dev.aegis.orchestrator.application;

import dev.aegis.orchestrator.lifecycle.Refusal;
import dev.aegis.orchestrator.persistence.ExperimentRecord;

/** What became of a manual command (promote, abort, pause, resume, release). */
public sealed interface CommandOutcome {

  record Applied(ExperimentRecord experiment) implements CommandOutcome {}

  record Refused(ExperimentRecord experiment, Refusal refusal) implements CommandOutcome {}

  record NotFound(String id) implements CommandOutcome {}
}
