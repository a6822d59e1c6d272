package dev.aegis.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How the CLI writes times, durations, ratios and JSON members for people. */
final class Text {
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

  private Text() {}

  /** A member as text, or null when it is missing or JSON null. */
  static String str(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isMissingNode() || v.isNull() ? null : v.asText();
  }

  /** A member holding an ISO-8601 instant, or null. */
  static Instant instant(JsonNode node, String field) {
    String s = str(node, field);
    if (s == null) {
      return null;
    }
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** A member holding a duration: ISO-8601 text ({@code PT24H}) or a number of seconds. */
  static Duration duration(JsonNode node, String field) {
    JsonNode v = node.path(field);
    if (v.isNumber()) {
      return Duration.ofMillis(Math.round(v.asDouble() * 1000));
    }
    if (v.isTextual()) {
      try {
        return Duration.parse(v.asText());
      } catch (DateTimeParseException e) {
        return null;
      }
    }
    return null;
  }

  /** kubectl-style age: {@code 45s}, {@code 12m}, {@code 5h}, {@code 3d}. */
  static String age(Instant since, Instant now) {
    if (since == null) {
      return null;
    }
    long s = Math.max(0, Duration.between(since, now).getSeconds());
    if (s < 120) {
      return s + "s";
    }
    if (s < 2 * 3600) {
      return s / 60 + "m";
    }
    if (s < 48 * 3600) {
      return s / 3600 + "h";
    }
    return s / 86400 + "d";
  }

  /** {@link #age} followed by "ago", or null when {@code since} is null. */
  static String ago(Instant since, Instant now) {
    return since == null ? null : age(since, now) + " ago";
  }

  /** {@code 2025-05-01 12:00:01} in {@code zone}. */
  static String time(Instant at, ZoneId zone) {
    return at == null ? null : TIME.format(at.atZone(zone));
  }

  /** {@code 12:00:01} in {@code zone}. */
  static String clock(Instant at, ZoneId zone) {
    return at == null ? null : CLOCK.format(at.atZone(zone));
  }

  /** A compact duration: {@code 12s}, {@code 1m30s}, {@code 24h}, {@code 7d}, {@code 250ms}. */
  static String duration(Duration d) {
    if (d == null) {
      return null;
    }
    if (d.isZero()) {
      return "0s";
    }
    if (d.compareTo(Duration.ofSeconds(1)) < 0) {
      return d.toMillis() + "ms";
    }
    StringBuilder out = new StringBuilder();
    long days = d.toDays();
    if (days > 0) {
      out.append(days).append('d');
    }
    if (d.toHoursPart() > 0) {
      out.append(d.toHoursPart()).append('h');
    }
    if (d.toMinutesPart() > 0) {
      out.append(d.toMinutesPart()).append('m');
    }
    if (d.toSecondsPart() > 0) {
      out.append(d.toSecondsPart()).append('s');
    }
    return out.toString();
  }

  /** A ratio as a percentage with two decimals: {@code 0.025} → {@code 2.50%}. */
  static String percent(double ratio) {
    return String.format(Locale.ROOT, "%.2f%%", ratio * 100);
  }

  /** Milliseconds, rounded: {@code 231 ms}. */
  static String millis(double ms) {
    return String.format(Locale.ROOT, "%.0f ms", ms);
  }

  /** A number without a useless {@code .0}. */
  static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.3f", v);
  }
}
