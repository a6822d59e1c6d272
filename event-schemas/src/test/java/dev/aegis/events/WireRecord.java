package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kafka record (value and headers) built by hand, byte for byte, the way a foreign producer would
 * write it; deliberately independent of {@link EventCodec}'s encoders so the decoder is tested
 * against the CloudEvents binding, not against itself.
 */
record WireRecord(byte[] value, Map<String, byte[]> headers) {

  static final String SOURCE = "/aegis/tests";
  static final Instant TIME = Instant.parse("2025-03-01T12:00:00Z");

  /** How a record carries its event. */
  enum Mode {
    BINARY,
    STRUCTURED
  }

  /**
   * A binary-mode record: all the usual {@code ce_*} headers and {@code content-type:
   * application/json}.
   */
  static WireRecord binary(String type, String id, byte[] data) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    headers.put("ce_specversion", utf8("1.0"));
    headers.put("ce_id", utf8(id));
    headers.put("ce_source", utf8(SOURCE));
    headers.put("ce_type", utf8(type));
    headers.put("ce_time", utf8(TIME.toString()));
    EventType.fromType(type).ifPresent(t -> headers.put("ce_dataschema", utf8(t.dataschemaUri())));
    headers.put("content-type", utf8("application/json"));
    return new WireRecord(data, headers);
  }

  /**
   * A structured-mode record: the event as a JSON object; JSON data goes in {@code data}, anything
   * else in {@code data_base64}, as the CloudEvents JSON format prescribes.
   */
  static WireRecord structured(String type, String id, byte[] data) {
    ObjectNode event = EventJson.mapper().createObjectNode();
    event.put("specversion", "1.0");
    event.put("id", id);
    event.put("source", SOURCE);
    event.put("type", type);
    event.put("time", TIME.toString());
    EventType.fromType(type).ifPresent(t -> event.put("dataschema", t.dataschemaUri()));
    event.put("datacontenttype", "application/json");
    JsonNode tree = tryParse(data);
    if (tree != null) {
      event.set("data", tree);
    } else {
      event.put("data_base64", Base64.getEncoder().encodeToString(data));
    }
    return structured(event);
  }

  static WireRecord structured(ObjectNode event) {
    Map<String, byte[]> headers = new LinkedHashMap<>();
    headers.put("content-type", utf8("application/cloudevents+json; charset=UTF-8"));
    return new WireRecord(EventJson.toJson(event), headers);
  }

  static WireRecord of(Mode mode, String type, String id, byte[] data) {
    return mode == Mode.BINARY ? binary(type, id, data) : structured(type, id, data);
  }

  /** The envelope the decoder should report for a record built by {@link #of}. */
  static CloudEventEnvelope expectedEnvelope(EventType type, String id) {
    return new CloudEventEnvelope(
        id, SOURCE, type.type(), "1.0", null, TIME, type.dataschemaUri(), "application/json");
  }

  /** A copy with header {@code name} set ({@code value} null removes it). */
  WireRecord withHeader(String name, String value) {
    Map<String, byte[]> copy = new LinkedHashMap<>(headers);
    if (value == null) {
      copy.remove(name);
    } else {
      copy.put(name, utf8(value));
    }
    return new WireRecord(this.value, copy);
  }

  /**
   * The structured event as a mutable tree, to edit and rebuild with {@link
   * #structured(ObjectNode)}.
   */
  ObjectNode eventTree() {
    return (ObjectNode) tryParse(value);
  }

  DecodeResult decodeWith(EventCodec codec) {
    return codec.decode(value, headers);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode tryParse(byte[] data) {
    try {
      return EventJson.mapper().readTree(data);
    } catch (IOException e) {
      return null;
    }
  }
}
