/**
 * The Aegis event contract: CloudEvents 1.0 on Kafka, one JSON Schema per type, one codec.
 *
 * <p>Start at {@link dev.aegis.events.EventType} (what events exist, on which topic, with which
 * schema and record) and {@link dev.aegis.events.EventCodec} (bytes and headers in, a typed event
 * or a precise {@link dev.aegis.events.RejectionReason} out; records in, bytes and headers out).
 * This package has no Spring and no Kafka dependency: Kafka headers are passed as a {@code
 * Map<String, byte[]>}.
 */
package dev.aegis.events;
