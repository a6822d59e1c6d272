package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Binary content mode: attributes in {@code ce_*} headers, {@code datacontenttype} in {@code
 * content-type}, the record value is the data itself.
 */
final class BinaryWireEvent implements WireEvent {

  private final byte[] value;
  private final Map<String, byte[]> headers;
  private final Json json;

  BinaryWireEvent(byte[] value, Map<String, byte[]> headers, Json json) {
    this.value = value;
    this.headers = headers;
    this.json = json;
  }

  @Override
  public String wireName(String attribute) {
    return CloudEventHeaders.PREFIX + attribute;
  }

  @Override
  public String attribute(String attribute) {
    return header(wireName(attribute));
  }

  @Override
  public String dataContentType() {
    return header(CloudEventHeaders.CONTENT_TYPE);
  }

  @Override
  public String dataContentTypeName() {
    return CloudEventHeaders.CONTENT_TYPE;
  }

  @Override
  public JsonNode data() {
    return json.parse(value, "value");
  }

  @Override
  public byte[] rawData() {
    return value;
  }

  /** True if any {@code ce_*} header is present: the record at least tries to be binary mode. */
  boolean hasCloudEventHeaders() {
    return headers.keySet().stream().anyMatch(name -> name.startsWith(CloudEventHeaders.PREFIX));
  }

  private String header(String name) {
    byte[] raw = headers.get(name);
    return raw == null ? null : new String(raw, StandardCharsets.UTF_8);
  }
}
