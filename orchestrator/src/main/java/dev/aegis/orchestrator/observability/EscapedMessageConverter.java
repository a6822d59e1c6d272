package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log message with CR, LF and every other control character escaped ({@code \r}, {@code \n}, {@code \\uXXXX}),
 * so a value from outside (a reason, an actor, an event id) can never forge a log line. logback-spring.xml puts it
 * in place of {@code %m}, {@code %msg} and {@code %message}; stack traces are printed by their own converter and
 * keep their lines.
 */
public class EscapedMessageConverter extends MessageConverter {

  @Override
  public String convert(ILoggingEvent event) {
    return escape(super.convert(event));
  }

  /** {@code text} with control characters (tab excepted) and the Unicode line separators escaped. */
  public static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      String replacement = c == '\r' ? "\\r" : c == '\n' ? "\\n"
          : (Character.isISOControl(c) && c != '\t') || c == '\u2028' || c == '\u2029'
              ? String.format("\\u%04x", (int) c) : null;
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
