package dev.aegis.events.data;

/**
 * Request latency percentiles over one health window, in milliseconds. All are {@code >= 0} and
 * ordered {@code p50 <= p95 <= p99}.
 */
public record Latency(double p50, double p95, double p99) {}
