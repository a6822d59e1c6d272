package dev.aegis.events;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A Kafka record ready to send: topic, key, value and headers (header values are UTF-8). The arrays
 * are owned by this object; callers must not modify them.
 */
public record EncodedEvent(String topic, String key, byte[] value, Map<String, byte[]> headers) {

  public EncodedEvent {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** The header {@code name} decoded as UTF-8, if present. */
  public Optional<String> header(String name) {
    byte[] raw = headers.get(name);
    return raw == null ? Optional.empty() : Optional.of(new String(raw, StandardCharsets.UTF_8));
  }

  /** The value decoded as UTF-8; handy in logs and tests. */
  public String valueAsString() {
    return new String(value, StandardCharsets.UTF_8);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof EncodedEvent that
        && topic.equals(that.topic)
        && key.equals(that.key)
        && Arrays.equals(value, that.value)
        && headersEqual(headers, that.headers);
  }

  @Override
  public int hashCode() {
    int hash = Objects.hash(topic, key, Arrays.hashCode(value));
    for (Map.Entry<String, byte[]> header : headers.entrySet()) {
      hash += header.getKey().hashCode() ^ Arrays.hashCode(header.getValue());
    }
    return hash;
  }

  @Override
  public String toString() {
    StringBuilder text =
        new StringBuilder("EncodedEvent[topic=")
            .append(topic)
            .append(", key=")
            .append(key)
            .append(", headers={");
    headers.forEach(
        (name, value) ->
            text.append(name)
                .append('=')
                .append(new String(value, StandardCharsets.UTF_8))
                .append(", "));
    return text.append("}, value=").append(valueAsString()).append(']').toString();
  }

  private static boolean headersEqual(Map<String, byte[]> left, Map<String, byte[]> right) {
    if (!left.keySet().equals(right.keySet())) {
      return false;
    }
    return left.entrySet().stream()
        .allMatch(entry -> Arrays.equals(entry.getValue(), right.get(entry.getKey())));
  }
}
