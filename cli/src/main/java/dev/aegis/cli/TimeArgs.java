package dev.aegis.cli;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Times and durations as people type them: ISO-8601 ({@code PT10M}, {@code 2025-05-01T12:00:00Z}),
 * or short forms ({@code 90s}, {@code 10m}, {@code 1h30m}, {@code 2d}); a point in time may also be
 * a short duration meaning "that long ago", or a date (midnight UTC).
 */
final class TimeArgs {
  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private TimeArgs() {}

  static Duration duration(String text) {
    String s = text.trim().toLowerCase(Locale.ROOT);
    if (s.startsWith("p")) {
      try {
        return Duration.parse(s.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not an ISO-8601 duration such as PT10M");
      }
    }
    Matcher m = SHORT.matcher(s);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long n = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
              });
      end = m.end();
    }
    if (end == 0 || end != s.length()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration such as 90s, 10m, 1h30m, 2d or PT10M");
    }
    return total;
  }

  /** An instant, a date, or a duration before {@code clock}'s now. */
  static Instant pointInTime(String text, Clock clock) {
    String s = text.trim();
    try {
      return Instant.parse(s);
    } catch (DateTimeParseException notInstant) {
      try {
        return LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
      } catch (DateTimeParseException notDate) {
        try {
          return clock.instant().minus(duration(s));
        } catch (IllegalArgumentException notDuration) {
          throw new IllegalArgumentException(
              "'"
                  + text
                  + "' is neither an instant (2025-05-01T12:00:00Z), a date "
                  + "(2025-05-01) nor a duration ago (30m, 2h, 7d)");
        }
      }
    }
  }

  /** Picocli converter for duration options. */
  static final class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return duration(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
