package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Base64;
import java.util.Locale;

/**
 * Structured content mode ({@code application/cloudevents+json}): the record value is the whole
 * event as a JSON object; the data is its {@code data} member, or JSON bytes in {@code
 * data_base64}.
 */
final class StructuredWireEvent implements WireEvent {

  private static final String DATA = "data";
  private static final String DATA_BASE64 = "data_base64";

  private final JsonNode event;
  private final Json json;

  private StructuredWireEvent(JsonNode event, Json json) {
    this.event = event;
    this.json = json;
  }

  /**
   * Parses a structured-mode record value.
   *
   * @throws Rejection with {@link RejectionReason#NOT_JSON} unless the value is a JSON object
   */
  static StructuredWireEvent parse(byte[] value, Json json) {
    JsonNode event = json.parse(value, "structured event");
    if (!event.isObject()) {
      throw Rejection.of(
          RejectionReason.NOT_JSON,
          "structured event must be a JSON object, found "
              + event.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return new StructuredWireEvent(event, json);
  }

  @Override
  public String wireName(String attribute) {
    return attribute;
  }

  @Override
  public String attribute(String attribute) {
    JsonNode member = event.get(attribute);
    if (member == null || member.isNull()) {
      return null;
    }
    if (!member.isTextual()) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "attribute '"
              + attribute
              + "' must be a JSON string, found "
              + member.getNodeType().name().toLowerCase(Locale.ROOT));
    }
    return member.textValue();
  }

  @Override
  public String dataContentType() {
    return attribute("datacontenttype");
  }

  @Override
  public String dataContentTypeName() {
    return "datacontenttype";
  }

  @Override
  public JsonNode data() {
    JsonNode data = event.get(DATA);
    JsonNode base64 = event.get(DATA_BASE64);
    if (data != null && base64 != null) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "structured event has both 'data' and 'data_base64'; CloudEvents allows only one");
    }
    if (base64 != null) {
      return fromBase64(base64);
    }
    if (data == null) {
      throw Rejection.of(
          RejectionReason.MISSING_ATTRIBUTE, "structured event has no 'data' (nor 'data_base64')");
    }
    return data;
  }

  private JsonNode fromBase64(JsonNode base64) {
    if (!base64.isTextual()) {
      throw Rejection.of(RejectionReason.INVALID_ATTRIBUTE, "'data_base64' must be a JSON string");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(base64.textValue());
    } catch (IllegalArgumentException e) {
      throw Rejection.of(
          RejectionReason.INVALID_ATTRIBUTE,
          "'data_base64' is not valid base64: " + e.getMessage());
    }
    return json.parse(bytes, "data_base64");
  }
}
