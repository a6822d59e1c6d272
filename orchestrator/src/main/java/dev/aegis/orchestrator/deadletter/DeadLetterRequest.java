package dev.aegis.orchestrator.deadletter;

import java.time.Instant;
import java.util.List;

/**
 * A record to dead-letter: the original record unchanged, where it was read, and why it failed.
 * Stored as the payload of an outbox row of kind {@code dead-letter}, or published directly when
 * the database itself is what fails.
 *
 * @param headers the original headers, values base64-encoded
 */
public record DeadLetterRequest(
    String originalTopic,
    int originalPartition,
    long originalOffset,
    String keyBase64,
    String valueBase64,
    List<Header> headers,
    String reasonCode,
    String reason,
    String errorClass,
    Instant firstFailedAt) {

  /** One Kafka header, its value base64-encoded. */
  public record Header(String name, String value) {}
}
