package dev.aegis.orchestrator.deadletter;

import java.util.Map;

/**
 * The raw coordinates and bytes of a consumed Kafka record: all a dead-letter entry keeps of it.
 * The consumer's richer view (decoded envelope, admission verdict) stays in {@code messaging},
 * which depends on this package and not the other way round.
 */
public record ConsumedRecord(
    String topic,
    int partition,
    long offset,
    byte[] key,
    byte[] value,
    Map<String, byte[]> headers) {}
