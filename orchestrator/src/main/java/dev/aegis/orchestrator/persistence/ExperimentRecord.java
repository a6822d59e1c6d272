package dev.aegis.orchestrator.persistence;

import dev.aegis.orchestrator.lifecycle.Experiment;
import java.time.Instant;

/**
 * An experiment as stored: the core's state plus who submitted it, from where, when it last
 * changed, and how the cluster side carries it out (router, quarantine shape; null means the
 * default).
 */
public record ExperimentRecord(
    Experiment experiment,
    String submittedBy,
    String origin,
    Instant updatedAt,
    String router,
    String quarantineShape) {}
