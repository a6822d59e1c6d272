package dev.aegis.events;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aegis.events.data.Track;
import java.time.Instant;

/**
 * A cheap proof that a {@code dev.aegis.health.reported.v1} document satisfies its schema, for the
 * hot path: the general validator cost a health event about a sixth of its consumer thread's time
 * (docs/benchmarks.md), and nearly every window a monitor sends is well formed.
 *
 * <p>It answers {@code true} only for documents the schema certainly accepts, checking a narrower
 * shape than the schema allows: integer counts that fit a {@code long}, canonical UTC timestamps,
 * versions of at most 1 024 UTF-16 units with a printable ASCII character. Everything else,
 * including every invalid document, is answered {@code false} and goes through the schema as
 * before, which says precisely what is wrong; so no rejection or message changes. {@code
 * HealthReportedShortcutTest} holds "true only if the schema accepts" over generated documents.
 */
final class HealthReportedShortcut {

  private static final int MAX_VERSION_UNITS = 1024;
  private static final int MAX_LABEL = 63;

  private HealthReportedShortcut() {}

  static boolean certainlyValid(JsonNode data) {
    if (!data.isObject()) {
      return false;
    }
    JsonNode namespace = data.get("namespace");
    return dnsLabel(data.get("service"))
        && (namespace == null || dnsLabel(namespace))
        && version(data.get("version"))
        && track(data.get("track"))
        && timestamp(data.get("windowStart"))
        && timestamp(data.get("windowEnd"))
        && count(data.get("requests"))
        && count(data.get("errors"))
        && latency(data.get("latencyMs"))
        && ratio(data.get("cpuUtilization"))
        && ratio(data.get("memoryUtilization"));
  }

  private static boolean dnsLabel(JsonNode node) {
    return node != null && node.isTextual() && dnsLabel(node.textValue());
  }

  /** {@code ^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$} without the regular expression. */
  static boolean dnsLabel(String s) {
    int n = s.length();
    if (n == 0 || n > MAX_LABEL || !alphanumeric(s.charAt(0)) || !alphanumeric(s.charAt(n - 1))) {
      return false;
    }
    for (int i = 1; i < n - 1; i++) {
      char c = s.charAt(i);
      if (c != '-' && !alphanumeric(c)) {
        return false;
      }
    }
    return true;
  }

  private static boolean alphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  /**
   * A non-empty string ({@code maxLength} 1 024 code points, pattern {@code \S}): at most 1 024
   * UTF-16 units, which are never fewer than its code points, and a printable ASCII character.
   */
  private static boolean version(JsonNode node) {
    return node != null && node.isTextual() && version(node.textValue());
  }

  /** See {@link #version(JsonNode)}. */
  static boolean version(String s) {
    if (s.length() > MAX_VERSION_UNITS) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c > ' ' && c < 0x7f) {
        return true;
      }
    }
    return false;
  }

  private static boolean track(JsonNode node) {
    return node != null && node.isTextual() && track(node.textValue()) != null;
  }

  /** The track named exactly as the schema enumerates it, or null. */
  static Track track(String s) {
    return switch (s) {
      case "canary" -> Track.CANARY;
      case "baseline" -> Track.BASELINE;
      case "stable" -> Track.STABLE;
      default -> null;
    };
  }

  /** The canonical UTC form, a real date and time, from year 1 on. */
  private static boolean timestamp(JsonNode node) {
    return node != null && node.isTextual() && timestamp(node.textValue()) != null;
  }

  /** The instant of a canonical UTC timestamp from year 1 on, or null. */
  static Instant timestamp(String s) {
    return s.startsWith("0000") ? null : Timestamps.parseUtc(s);
  }

  /** A non-negative integer, written without a fraction or exponent, that fits a {@code long}. */
  private static boolean count(JsonNode node) {
    return node != null && (node.isInt() || node.isLong()) && node.longValue() >= 0;
  }

  private static boolean latency(JsonNode node) {
    return node != null
        && node.isObject()
        && millis(node.get("p50"))
        && millis(node.get("p95"))
        && millis(node.get("p99"));
  }

  private static boolean millis(JsonNode node) {
    return number(node) && node.doubleValue() >= 0;
  }

  /** Absent, null, or a number from 0 to 1. */
  private static boolean ratio(JsonNode node) {
    if (node == null || node.isNull()) {
      return true;
    }
    if (!number(node)) {
      return false;
    }
    double v = node.doubleValue();
    return v >= 0 && v <= 1;
  }

  /** A number Jackson read as an int, long or finite double (not a big integer or decimal). */
  private static boolean number(JsonNode node) {
    return node != null
        && (node.isInt()
            || node.isLong()
            || (node.isDouble() && Double.isFinite(node.doubleValue())));
  }
}
