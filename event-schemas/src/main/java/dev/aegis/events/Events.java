package dev.aegis.events;

import java.time.Instant;
import java.util.Objects;

/**
 * Builds envelopes for producers. The caller supplies the id and the time: there is no hidden clock
 * or random generator here, so producers stay deterministic under test.
 */
public final class Events {

  private Events() {}

  /**
   * An envelope for {@code type} with {@code specversion 1.0}, the type's {@code dataschema} and
   * {@code datacontenttype application/json}.
   *
   * @param id unique per source, e.g. a UUID or {@code <experimentId>-<transitionSeq>}
   * @param source URI-reference of the producer, e.g. {@code /aegis/orchestrator}
   * @param subject optional subject (null to omit), conventionally the Kafka key
   * @param time the occurrence time (null to omit)
   */
  public static CloudEventEnvelope envelope(
      EventType type, String id, String source, String subject, Instant time) {
    Objects.requireNonNull(type, "type");
    return new CloudEventEnvelope(
        id,
        source,
        type.type(),
        CloudEventHeaders.SPECVERSION_1_0,
        subject,
        time,
        type.dataschemaUri(),
        CloudEventHeaders.JSON);
  }
}
