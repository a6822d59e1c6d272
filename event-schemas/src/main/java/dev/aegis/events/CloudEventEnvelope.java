package dev.aegis.events;

import java.time.Instant;
import java.util.Objects;

/**
 * The CloudEvents 1.0 context attributes of one event, without its data. {@code id}, {@code
 * source}, {@code type} and {@code specversion} are required and non-null; the others are {@code
 * null} when absent. Duplicate suppression keys on {@link #identity()} ({@code source} + {@code
 * id}).
 *
 * @param id unique per {@code source}
 * @param source URI-reference of the producer, e.g. {@code /aegis/simulator}
 * @param type the CloudEvents type, e.g. {@code dev.aegis.health.reported.v1}
 * @param specversion always {@code 1.0} once decoded
 * @param subject optional subject, e.g. the service or experiment id
 * @param time optional time the occurrence happened
 * @param dataschema optional URI of the data's JSON Schema; when present it must be the type's
 * @param datacontenttype optional media type of the data; {@code null} means {@code
 *     application/json}
 */
public record CloudEventEnvelope(
    String id,
    String source,
    String type,
    String specversion,
    String subject,
    Instant time,
    String dataschema,
    String datacontenttype) {

  public CloudEventEnvelope {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(specversion, "specversion");
  }

  /** The event's identity for duplicate suppression: {@code source} and {@code id}. */
  public String identity() {
    return source + "#" + id;
  }
}
