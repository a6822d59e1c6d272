package dev.aegis.events;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The one JSON configuration for Aegis events: {@code java.time} support with RFC 3339 / ISO-8601
 * strings (never numeric timestamps), unknown members ignored (forward compatibility), {@code null}
 * record members omitted (null values inside maps are kept), and strict parsing (duplicate keys and
 * trailing tokens are errors, so an ambiguous payload is never half-read).
 *
 * <p>{@link ObjectReader}s and {@link ObjectWriter}s are immutable and thread-safe, so this class
 * shares them; {@link #newObjectMapper()} hands out a fresh mapper for callers that need one (e.g.
 * to register with a web framework), since a shared mutable mapper could be reconfigured by anyone.
 */
public final class EventJson {

  private static final ObjectMapper MAPPER = newObjectMapper();
  private static final ObjectWriter WRITER = MAPPER.writer();

  private EventJson() {}

  /** A new mapper with the Aegis event configuration. */
  public static ObjectMapper newObjectMapper() {
    return JsonMapper.builder()
        .addModule(new JavaTimeModule())
        .addModule(Timestamps.jacksonModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        // Omit null members of records, but keep null values inside maps (e.g. evidence): they are
        // data, and dropping them would change the event.
        .defaultPropertyInclusion(
            JsonInclude.Value.construct(JsonInclude.Include.NON_NULL, JsonInclude.Include.ALWAYS))
        .build();
  }

  /**
   * Serialises {@code value} (an event record, an envelope, anything Jackson can write) to UTF-8
   * JSON bytes.
   *
   * @throws IllegalArgumentException if Jackson cannot serialise it
   */
  public static byte[] toJson(Object value) {
    try {
      return WRITER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot serialise " + value.getClass().getName(), e);
    }
  }

  /**
   * Reads {@code json} as {@code type} without schema validation; use {@link EventCodec} for
   * untrusted input.
   *
   * @throws UncheckedIOException if the bytes are not JSON or do not bind to {@code type}
   */
  public static <T> T fromJson(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The shared mapper, for this package only: callers outside get {@link #newObjectMapper()}. */
  static ObjectMapper mapper() {
    return MAPPER;
  }
}
