package dev.aegis.operators.actuation;

import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.MDC;

/**
 * Puts a command's identity ({@code commandId}, {@code service} as namespace/name) into the logging
 * MDC for the duration of a call, and restores what was there before, so decorators and the
 * actuator they wrap can both set it without the inner one erasing it for the outer one's later log
 * lines.
 */
final class LogContext {

  private LogContext() {}

  static <T> T of(ActuationCommand command, Supplier<T> call) {
    Map<String, String> previous = MDC.getCopyOfContextMap();
    MDC.put("commandId", command.id());
    MDC.put("service", command.namespace() + "/" + command.service());
    try {
      return call.get();
    } finally {
      if (previous == null) {
        MDC.clear();
      } else {
        MDC.setContextMap(previous);
      }
    }
  }
}
