package dev.aegis.orchestrator.testsupport;

/** Which PostgreSQL an {@link AegisComponentTest} context gets. */
public enum DatabaseMode {
  /**
   * A new empty database on the shared server, dropped when the context closes. The context has a
   * {@link TestDatabase} bean describing it.
   */
  FRESH,

  /**
   * A dedicated server the test can stop and restart: inject {@link RestartablePostgres}. The pool
   * gives up on a connection after {@value
   * AegisInfrastructureContextCustomizer#RESTARTABLE_CONNECTION_TIMEOUT_MS} ms (unless the test
   * sets {@code spring.datasource.hikari.connection-timeout}), so failures during an outage show up
   * quickly.
   */
  RESTARTABLE
}
