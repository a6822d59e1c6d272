package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message with every value in it escaped: CR, LF and the other control characters of each
 * argument become {@code \r}, {@code \n}, {@code \\uXXXX}, so a value from outside (a reason, an
 * actor, an event id, an exception's message) can never start a forged log line. The message
 * template is code and keeps its line breaks (the start-up banner, Spring Boot's failure report);
 * only a CR or another control character in it is escaped. logback-spring.xml puts this converter
 * in place of {@code %m}, {@code %msg} and {@code %message}; stack traces are printed by their own
 * converter.
 */
public class EscapedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    Object[] args = event.getArgumentArray();
    String template = event.getMessage();
    if (args == null || args.length == 0 || template == null) {
      return escapeTemplate(event.getFormattedMessage());
    }
    Object[] escaped = new Object[args.length];
    for (int i = 0; i < args.length; i++) {
      escaped[i] =
          args[i] == null || args[i] instanceof Number || args[i] instanceof Boolean
              ? args[i]
              : escape(String.valueOf(args[i]));
    }
    return MessageFormatter.arrayFormat(escapeTemplate(template), escaped).getMessage();
  }

  /** A template keeps its LF; every other control character (CR included) is escaped. */
  static String escapeTemplate(String text) {
    if (text == null || text.indexOf('\n') < 0) {
      return escape(text);
    }
    String[] lines = text.split("\n", -1);
    StringBuilder out = new StringBuilder(text.length());
    for (int i = 0; i < lines.length; i++) {
      out.append(i == 0 ? "" : "\n").append(escape(lines[i]));
    }
    return out.toString();
  }

  /**
   * {@code text} with control characters (tab excepted) and the Unicode line separators escaped.
   */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement =
          c == '\r'
              ? "\\r"
              : c == '\n'
                  ? "\\n"
                  : (Character.isISOControl(c) && c != '\t') || c == '\u2028' || c == '\u2029'
                      ? String.format("\\u%04x", (int) c)
                      : null;
      if (replacement != null && out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      if (out != null) {
        out.append(replacement != null ? replacement : String.valueOf(c));
      }
    }
    return out == null ? text : out.toString();
  }
}
