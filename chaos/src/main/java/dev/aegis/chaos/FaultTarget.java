package dev.aegis.chaos;

import dev.aegis.events.data.Track;

/**
 * The workload a fault hits: a service's canary ({@code <service>-canary} Deployment, pods labelled
 * {@code aegis.dev/canary-of=<service>, aegis.dev/track=canary}) or its stable (production)
 * Deployment. The baseline track is the stable Deployment observed beside the canary, so a fault on
 * it is a fault on production.
 *
 * @param namespace Kubernetes namespace of the service
 * @param service the service (its stable Deployment's name)
 * @param track {@link Track#CANARY} or {@link Track#STABLE}
 */
public record FaultTarget(String namespace, String service, Track track) {

  /** Whether the fault reaches production (V2) rather than a V1 canary. */
  public boolean isProduction() {
    return track != Track.CANARY;
  }
}
