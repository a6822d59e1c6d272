package dev.aegis.orchestrator.testsupport;

/** Which Kafka broker an {@link AegisComponentTest} context gets. */
public enum KafkaMode {
  /** The in-process broker shared by every test class of the JVM (see {@link SharedKafka}). */
  SHARED,

  /**
   * A broker of the context's own that the test can stop and start again on the same port and log:
   * inject {@link RestartableKafka}. Its topics start empty.
   */
  RESTARTABLE
}
