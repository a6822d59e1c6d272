package dev.aegis.events.data;

import java.time.Instant;

/**
 * Data of {@code dev.aegis.chaos.injected.v1} and {@code dev.aegis.chaos.cleared.v1}: one fault the
 * chaos module injected into, or cleared from, a deployment. The orchestrator uses it to tell
 * injected failures from real ones when it writes an RCA.
 *
 * @param faultId identifies the fault; the cleared event repeats the injected event's id
 * @param service DNS-1123 label of the affected service
 * @param track which deployment the fault targets
 * @param kind kebab-case fault kind, e.g. {@code pod-kill}, {@code latency}, {@code abort}, {@code
 *     cpu-stress}, {@code network-partition}
 * @param startedAt when the fault started
 * @param expiresAt when the fault expires on its own, strictly after {@code startedAt}
 * @param namespace optional Kubernetes namespace of the service; without it the fault applies to
 *     the service name in every namespace
 */
public record ChaosFault(
    String faultId,
    String service,
    Track track,
    String kind,
    Instant startedAt,
    Instant expiresAt,
    String namespace) {

  /** As before namespaces were carried: {@code namespace} absent. */
  public ChaosFault(
      String faultId,
      String service,
      Track track,
      String kind,
      Instant startedAt,
      Instant expiresAt) {
    this(faultId, service, track, kind, startedAt, expiresAt, null);
  }
}
