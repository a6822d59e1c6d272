package dev.aegis.chaos;

/**
 * How hard a fault hits. Every member is optional; {@link FaultDefaults} fills in what a kind needs
 * and refuses values out of range. Members a kind does not use must be absent.
 *
 * @param share pod-kill: share of the target's pods to delete, (0, 1]
 * @param maxPods pod-kill: at most this many pods, whatever the share
 * @param delayMs latency: added delay in milliseconds
 * @param httpStatus abort and dependency-outage: the status code returned
 * @param percent latency and abort: share of requests hit, (0, 100]
 * @param dependency dependency-outage: the service whose route fails for the target
 * @param workers cpu-stress and memory-stress: stressor processes
 * @param memory memory-stress: memory each worker fills, as a Kubernetes quantity ({@code 256Mi})
 * @param image cpu-stress and memory-stress: the stress image, overriding the configured one
 */
public record FaultParameters(
    Double share,
    Integer maxPods,
    Long delayMs,
    Integer httpStatus,
    Double percent,
    String dependency,
    Integer workers,
    String memory,
    String image) {

  public static final FaultParameters NONE =
      new FaultParameters(null, null, null, null, null, null, null, null, null);
}
