package dev.aegis.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads and checks the CloudEvents context attributes of a {@link WireEvent}, in this order:
 * required attributes present ({@code specversion} first, since other versions name attributes
 * differently), {@code specversion} is 1.0, required attributes non-empty, {@code source} a
 * URI-reference, {@code time} RFC 3339.
 */
final class EnvelopeReader {

  private static final List<String> REQUIRED = List.of("specversion", "id", "source", "type");

  /**
   * The envelope of {@code wire}.
   *
   * @throws Rejection with MISSING_ATTRIBUTE, UNSUPPORTED_SPECVERSION or INVALID_ATTRIBUTE
   */
  CloudEventEnvelope read(WireEvent wire) {
    requireSupportedVersion(wire);
    requirePresent(wire);
    String id = required(wire, "id");
    String source = required(wire, "source");
    String type = required(wire, "type");
    requireUriReference(wire, source);
    return new CloudEventEnvelope(
        id,
        source,
        type,
        CloudEventHeaders.SPECVERSION_1_0,
        storable(wire, "subject", wire.attribute("subject")),
        time(wire),
        wire.attribute("dataschema"),
        wire.dataContentType());
  }

  private static void requireSupportedVersion(WireEvent wire) {
    String specversion = wire.attribute("specversion");
    // Another spec version may name its attributes differently, so judge it before the rest.
    if (specversion != null && !specversion.equals(CloudEventHeaders.SPECVERSION_1_0)) {
      throw Rejection.of(
          RejectionReason.UNSUPPORTED_SPECVERSION,
          "unsupported specversion '"
              + Json.abbreviate(specversion)
              + "' in '"
              + wire.wireName("specversion")
              + "'; only 1.0 is accepted");
    }
  }

  private static void requirePresent(WireEvent wire) {
    List<String> missing = new ArrayList<>(0);
    for (String attribute : REQUIRED) {
      if (wire.attribute(attribute) == null) {
        missing.add("'" + wire.wireName(attribute) + "'");
      }
    }
    if (!missing.isEmpty()) {
      throw Rejection.of(RejectionReason.MISSING_ATTRIBUTE, missingDetail(wire, missing));
    }
  }

  private static String missingDetail(WireEvent wire, List<String> missing) {
    String detail =
        missing.size() == 1
            ? "missing required attribute " + missing.get(0)
            : "missing required attributes " + String.join(", ", missing);
    if (wire instanceof BinaryWireEvent binary && !binary.hasCloudEventHeaders()) {
      detail +=
          " (no ce_* headers: not a binary-mode CloudEvent; structured mode needs "
              + "content-type "
              + CloudEventHeaders.STRUCTURED_JSON
              + ")";
    }
    return detail;
  }

  private static String required(WireEvent wire, String attribute) {
    String value = wire.attribute(attribute);
    if (value.isEmpty()) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute '" + wire.wireName(attribute) + "' must not be empty");
    }
    return storable(wire, attribute, value);
  }

  /**
   * {@code value}, unless it holds U+0000 (NUL): attributes are stored (the source and id with the
   * event's processed marker), and PostgreSQL stores no NUL in text.
   */
  private static String storable(WireEvent wire, String attribute, String value) {
    if (value != null && value.indexOf('\0') >= 0) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute '"
              + wire.wireName(attribute)
              + "' holds U+0000 (NUL), which Aegis cannot store");
    }
    return value;
  }

  private static void requireUriReference(WireEvent wire, String source) {
    try {
      new URI(source);
    } catch (URISyntaxException e) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute '"
              + wire.wireName("source")
              + "' is not a URI-reference: '"
              + Json.abbreviate(source)
              + "'");
    }
  }

  private static Instant time(WireEvent wire) {
    String time = wire.attribute("time");
    if (time == null) {
      return null;
    }
    Instant utc = Timestamps.parseUtc(time);
    if (utc != null) {
      return utc;
    }
    try {
      return OffsetDateTime.parse(time).toInstant();
    } catch (DateTimeParseException e) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute '"
              + wire.wireName("time")
              + "' is not an RFC 3339 timestamp: '"
              + Json.abbreviate(time)
              + "'");
    }
  }
}
