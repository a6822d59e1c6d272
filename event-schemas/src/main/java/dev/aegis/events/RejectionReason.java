package dev.aegis.events;

import java.util.Optional;

/**
 * Why the codec refused an event. Every reason is permanent: retrying the same bytes gives the same
 * answer, so a consumer dead-letters the record at once. {@link #code()} is the stable value
 * written to the {@link DeadLetterHeaders#REASON} header; never rename a code, add a new one.
 *
 * <p>An event that breaks several rules gets the reason of the first check that fails; {@link
 * EventCodec} documents the order.
 */
public enum RejectionReason {
  /** The record value is larger than {@link EventCodec#MAX_VALUE_BYTES}; checked before parsing. */
  PAYLOAD_TOO_LARGE("payload-too-large"),
  /** The value (binary data, structured event, or {@code data_base64}) is not well-formed JSON. */
  NOT_JSON("not-json"),
  /**
   * A required attribute ({@code id}, {@code source}, {@code type}, {@code specversion}) or the
   * structured event's {@code data} is absent.
   */
  MISSING_ATTRIBUTE("missing-attribute"),
  /** {@code specversion} is present but not {@code 1.0}. */
  UNSUPPORTED_SPECVERSION("unsupported-specversion"),
  /**
   * An attribute is present but malformed, e.g. an unparsable {@code time} or an empty {@code id}.
   */
  INVALID_ATTRIBUTE("invalid-attribute"),
  /** The {@code type} is not one of {@link EventType}. */
  UNKNOWN_TYPE("unknown-type"),
  /** {@code dataschema} is given but is not the schema of the event's type. */
  SCHEMA_MISMATCH("schema-mismatch"),
  /** The data content type is not JSON, or the structured media type is not supported. */
  UNSUPPORTED_CONTENT_TYPE("unsupported-content-type"),
  /** The data breaks its JSON Schema; the detail names the JSON pointer of the first violation. */
  SCHEMA_VIOLATION("schema-violation"),
  /**
   * The data passes the schema but breaks a rule the schema cannot express (order, relations
   * between fields), or cannot be bound to its record.
   */
  INVALID_DATA("invalid-data");

  private final String code;

  RejectionReason(String code) {
    this.code = code;
  }

  /** The stable kebab-case code, e.g. {@code schema-violation}. */
  public String code() {
    return code;
  }

  /** The reason with this {@link #code()}, if any. */
  public static Optional<RejectionReason> fromCode(String code) {
    for (RejectionReason reason : values()) {
      if (reason.code.equals(code)) {
        return Optional.of(reason);
      }
    }
    return Optional.empty();
  }
}
