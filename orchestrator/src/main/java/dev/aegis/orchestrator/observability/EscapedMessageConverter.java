package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;
import org.slf4j.helpers.MessageFormatter;

/**
 * The log message with CR, LF and every other control character escaped ({@code \r}, {@code \n}, {@code \\uXXXX}),
 * so a value from outside (a reason, an actor, an event id) can never forge a log line. logback-spring.xml puts it
 * in place of {@code %m}, {@code %msg} and {@code %message}; stack traces are printed by their own converter and
 * keep their lines.
 *
 * <p>A message logged with the {@link #MULTILINE} marker keeps the line breaks of its own pattern (a text block
 * in the code, such as the start-up banner) while its arguments are still escaped.
 */
public class EscapedMessageConverter extends MessageConverter {

  /** Marks a message whose pattern spans lines on purpose; only its arguments are escaped. */
  public static final Marker MULTILINE = MarkerFactory.getMarker("MULTILINE");

  @Override
  public String convert(ILoggingEvent event) {
    if (isMultiline(event.getMarkerList())) {
      Object[] arguments = event.getArgumentArray();
      if (arguments == null) {
        return event.getMessage();
      }
      Object[] escaped = new Object[arguments.length];
      for (int i = 0; i < arguments.length; i++) {
        escaped[i] = escape(String.valueOf(arguments[i]));
      }
      return MessageFormatter.basicArrayFormat(event.getMessage(), escaped);
    }
    return escape(super.convert(event));
  }

  private static boolean isMultiline(List<Marker> markers) {
    return markers != null && markers.stream().anyMatch(m -> m.contains(MULTILINE));
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
