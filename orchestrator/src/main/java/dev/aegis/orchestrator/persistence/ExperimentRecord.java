package dev.aegis.orchestrator.persistence;

import dev.aegis.orchestrator.lifecycle.Experiment;
import java.time.Instant;

/** An experiment as stored: the core's state plus who submitted it, from where, and when it last changed. */
public record ExperimentRecord(Experiment experiment, String submittedBy, String origin, Instant updatedAt) {}
