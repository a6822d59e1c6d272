package dev.aegis.events.data;

import java.time.Instant;

/**
 * Data of {@code dev.aegis.actuation.alarmed.v1}: a rollback keeps failing on the Kubernetes API.
 * The experiment stays in {@code ROLLING_BACK}, as a rollback is never given up, but the candidate
 * may still be receiving traffic, so an SRE must act.
 *
 * @param experimentId the experiment (also the Kafka key)
 * @param service DNS-1123 label of the service
 * @param namespace Kubernetes namespace, a DNS-1123 label
 * @param commandId id of the failing command
 * @param commandKind kind of the failing command, e.g. {@code RollBackCandidate}
 * @param failures failed attempts of that command so far, {@code >= 1}
 * @param problem the latest failure reason; at most 1024 characters, like every text member, so a
 *     publisher cuts a longer API message
 * @param raisedAt when the alarm was raised
 * @param phase optional lifecycle phase of the experiment, e.g. {@code ROLLING_BACK}
 */
public record ActuationAlarmed(
    String experimentId,
    String service,
    String namespace,
    String commandId,
    String commandKind,
    int failures,
    String problem,
    Instant raisedAt,
    String phase) {}
