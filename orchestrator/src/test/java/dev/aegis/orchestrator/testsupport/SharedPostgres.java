package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.standalone.infrastructure.EmbeddedPostgresServer;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The shared embedded PostgreSQL server of the test JVM; hands out fresh databases so that test
 * classes never see each other's rows. Obtain it from {@link SharedInfrastructure#postgres()}.
 */
public final class SharedPostgres implements AutoCloseable {

  private final EmbeddedPostgresServer server;

  private SharedPostgres(EmbeddedPostgresServer server) {
    this.server = server;
  }

  /**
   * Set to {@code true} to preload pg_stat_statements, so that a benchmark can report where
   * PostgreSQL spent its time ({@code -Dbench.statements=true}).
   */
  public static final String STATEMENTS_PROPERTY = "bench.statements";

  /**
   * A directory: when set, the server logs the plans of statements slower than 200 ms there, with
   * their actual row counts and times ({@code -Dbench.explain=/tmp/plans}).
   */
  public static final String EXPLAIN_PROPERTY = "bench.explain";

  static SharedPostgres start() {
    // The JVM hook is SharedInfrastructure's, which stops Kafka first.
    Map<String, String> settings = new HashMap<>();
    if (Boolean.getBoolean(STATEMENTS_PROPERTY)) {
      settings.put("shared_preload_libraries", "pg_stat_statements");
      settings.put("pg_stat_statements.track_planning", "on");
    }
    String explain = System.getProperty(EXPLAIN_PROPERTY);
    if (explain != null && !explain.isBlank()) {
      // The plans, with actual times, of statements slower than 200 ms, in the server's log files
      // in that directory (without their parameters: a batch's arrays run to megabytes).
      settings.merge("shared_preload_libraries", "auto_explain", (a, b) -> a + "," + b);
      settings.put("auto_explain.log_min_duration", "200ms");
      settings.put("auto_explain.log_analyze", "on");
      settings.put("auto_explain.log_buffers", "on");
      settings.put("auto_explain.log_parameter_max_length", "0");
      settings.put("log_parameter_max_length", "0");
      settings.put("logging_collector", "on");
      settings.put("log_directory", explain);
    }
    return new SharedPostgres(
        EmbeddedPostgresServer.start(Optional.empty(), 0, false, false, settings));
  }

  /**
   * Creates a new, empty database named {@code test_<random>}, owned by the owner role and with the
   * application role ready to be granted its privileges, as the standalone database is (see {@link
   * dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles}).
   */
  public TestDatabase createDatabase() {
    String name = "test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    server.prepareApplicationDatabase(name);
    return new TestDatabase(name, server.connection(name, DatabaseRoles.EMBEDDED_OWNER), this);
  }

  /** How to connect to {@code database} on the shared server as the superuser. */
  public DatabaseUrl connection(String database) {
    return server.connection(database);
  }

  /** How to connect to {@code database} on the shared server as {@code role}. */
  public DatabaseUrl connection(String database, String role) {
    return server.connection(database, role);
  }

  /** The shared server's data directory. */
  public java.nio.file.Path dataDirectory() {
    return server.dataDirectory();
  }

  /** The shared server's port. */
  public int port() {
    return server.port();
  }

  void drop(String database) {
    server.dropDatabase(database);
  }

  @Override
  public void close() {
    server.close();
  }

  @Override
  public String toString() {
    return "SharedPostgres[" + server + "]";
  }
}
