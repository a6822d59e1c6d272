package dev.aegis.events.data;

/**
 * The service-level objective a canary step must meet. Either member may be {@code null}, meaning
 * the orchestrator's default.
 *
 * @param maxErrorRate highest acceptable error rate, a ratio {@code 0..1}
 * @param maxP95LatencyMs highest acceptable p95 latency in milliseconds, {@code > 0}
 */
public record SloSpec(Double maxErrorRate, Double maxP95LatencyMs) {}
