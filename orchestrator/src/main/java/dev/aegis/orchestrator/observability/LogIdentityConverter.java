package dev.aegis.orchestrator.observability;

import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import java.util.List;
import java.util.Map;

/**
 * {@code %identity}: the {@link LogIdentity} keys a line was logged under, as {@code
 * [service=demo/checkout exp=… cmd=…] }, and nothing at all when it has none. Set as {@code
 * logging.pattern.correlation} in application.yml, Spring Boot's console and file patterns print it
 * between the thread and the logger. Values are escaped as in {@link EscapedMessageConverter}: they
 * come from outside.
 */
public class LogIdentityConverter extends ClassicConverter {

  private record Key(String mdc, String shown) {}

  /** In this order: the service first, as the widest, and the event last, as the narrowest. */
  private static final List<Key> KEYS =
      List.of(
          new Key(LogIdentity.SERVICE, "service"),
          new Key(LogIdentity.EXPERIMENT_RESOURCE, "resource"),
          new Key(LogIdentity.EXPERIMENT_ID, "exp"),
          new Key(LogIdentity.COMMAND_ID, "cmd"),
          new Key(LogIdentity.FAULT_ID, "fault"),
          new Key(LogIdentity.EVENT_ID, "event"));

  @Override
  public String convert(ILoggingEvent event) {
    Map<String, String> mdc = event.getMDCPropertyMap();
    if (mdc == null || mdc.isEmpty()) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (Key key : KEYS) {
      String value = mdc.get(key.mdc());
      if (value != null) {
        out.append(out.isEmpty() ? "[" : " ")
            .append(key.shown())
            .append('=')
            .append(EscapedMessageConverter.escape(value));
      }
    }
    return out.isEmpty() ? "" : out.append("] ").toString();
  }
}
