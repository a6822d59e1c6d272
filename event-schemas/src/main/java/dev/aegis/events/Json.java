package dev.aegis.events;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import java.io.IOException;

/** Parses untrusted bytes into a JSON tree, turning every failure into a precise rejection. */
final class Json {

  private static final int MAX_ECHO = 120;

  private final ObjectReader reader = EventJson.mapper().reader();

  /**
   * Parses {@code bytes}, described as {@code what} in details (e.g. "value").
   *
   * @throws Rejection with {@link RejectionReason#NOT_JSON} if empty or not well-formed JSON
   */
  JsonNode parse(byte[] bytes, String what) {
    if (bytes == null || bytes.length == 0) {
      throw Rejection.of(RejectionReason.NOT_JSON, what + " is empty");
    }
    try {
      return reader.readTree(bytes);
    } catch (JsonProcessingException e) {
      throw Rejection.of(RejectionReason.NOT_JSON, what + " is not valid JSON: " + describe(e));
    } catch (IOException e) {
      throw Rejection.of(RejectionReason.NOT_JSON, what + " is not valid JSON: " + e.getMessage());
    }
  }

  private static String describe(JsonProcessingException e) {
    String message = abbreviate(e.getOriginalMessage());
    JsonLocation location = e.getLocation();
    if (location == null) {
      return message;
    }
    return message + " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
  }

  /** Shortens text echoed from input so a hostile payload cannot blow up a log line or header. */
  static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    // A NUL is written out: PostgreSQL stores no NUL in the text and jsonb columns a detail
    // reaches.
    String oneLine = text.replaceAll("\\s+", " ").replace("\0", "\\u0000");
    return oneLine.length() <= MAX_ECHO ? oneLine : oneLine.substring(0, MAX_ECHO) + "…";
  }
}
