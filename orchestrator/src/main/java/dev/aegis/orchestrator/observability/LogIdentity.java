package dev.aegis.orchestrator.observability;

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
 * <p>A null value is left out. Closing restores the identity keys (the constants below) as they
 * were when the identity was opened, whoever set them meanwhile, so an inner identity (the gateway
 * inside the resource reconciler, a fault revert inside the sweeper) never erases the outer one's
 * keys; other MDC keys are their owners' to restore. Only those keys are saved, not the whole map:
 * an identity is opened for every consumed record. The MDC belongs to a thread: open and close an
 * identity on the same thread.
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

  private static final String[] KEYS = {
    EVENT_ID, EXPERIMENT_ID, COMMAND_ID, SERVICE, FAULT_ID, EXPERIMENT_RESOURCE
  };

  /** The identity keys' values when this identity was opened, in the order of {@link #KEYS}. */
  private final String[] previous = new String[KEYS.length];

  private LogIdentity() {
    for (int i = 0; i < KEYS.length; i++) {
      previous[i] = MDC.get(KEYS[i]);
    }
  }

  /** Puts the non-null ones of these keys into the MDC until {@link #close()}. */
  public static LogIdentity of(
      String eventId, String experimentId, String commandId, String service) {
    return new LogIdentity()
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

  /** Restores the identity keys to what they were when this identity was opened. */
  @Override
  public void close() {
    for (int i = 0; i < KEYS.length; i++) {
      if (previous[i] == null) {
        MDC.remove(KEYS[i]);
      } else {
        MDC.put(KEYS[i], previous[i]);
      }
    }
  }
}
