package dev.aegis.orchestrator.observability;

import java.util.Map;
import org.slf4j.MDC;

/**
 * What a piece of work is about, in the logging MDC for as long as it runs: the event, experiment,
 * command, service or fault it handles. The console and file patterns print these keys after the
 * thread ({@link LogIdentityConverter}), so every line logged meanwhile, by Aegis or by a library,
 * says which experiment or service it is about.
 *
 * <pre>{@code
 * try (LogIdentity ignored = LogIdentity.of(eventId, experimentId, commandId, service)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>A null value is left out. Closing restores the MDC as it was when the identity was opened, so
 * an inner identity (the gateway inside the resource reconciler, a fault revert inside the sweeper)
 * never erases the outer one's keys. The MDC belongs to a thread: open and close an identity on the
 * same thread.
 */
public final class LogIdentity implements AutoCloseable {

  /**
   * The event being handled: a CloudEvent id, or topic-partition@offset for a record read from
   * Kafka.
   */
  public static final String EVENT_ID = "eventId";

  public static final String EXPERIMENT_ID = "experimentId";

  /** An actuation command's id, as the operators' actuators put it too. */
  public static final String COMMAND_ID = "commandId";

  /** namespace/name of the service, as the operators' actuators put it too. */
  public static final String SERVICE = "service";

  public static final String FAULT_ID = "faultId";

  /**
   * namespace/name of an {@code Experiment} custom resource, put by the operators' resource
   * reconciler.
   */
  public static final String EXPERIMENT_RESOURCE = "experimentResource";

  private final Map<String, String> previous;

  private LogIdentity(Map<String, String> previous) {
    this.previous = previous;
  }

  /** Puts the non-null ones of these keys into the MDC until {@link #close()}. */
  public static LogIdentity of(
      String eventId, String experimentId, String commandId, String service) {
    return new LogIdentity(MDC.getCopyOfContextMap())
        .with(EVENT_ID, eventId)
        .with(EXPERIMENT_ID, experimentId)
        .with(COMMAND_ID, commandId)
        .with(SERVICE, service);
  }

  /**
   * {@code namespace/name}, the form of the {@link #SERVICE} key; the name alone without a
   * namespace.
   */
  public static String service(String namespace, String name) {
    if (name == null) {
      return null;
    }
    return namespace == null ? name : namespace + "/" + name;
  }

  /**
   * Adds {@code key} (once known, such as the experiment of an event) unless {@code value} is null.
   */
  public LogIdentity with(String key, String value) {
    if (value != null) {
      MDC.put(key, value);
    }
    return this;
  }

  /** Restores the MDC to what it was when this identity was opened. */
  @Override
  public void close() {
    if (previous == null) {
      MDC.clear();
    } else {
      MDC.setContextMap(previous);
    }
  }
}
