package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.standalone.infrastructure.EmbeddedPostgresServer;
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

  static SharedPostgres start() {
    // The JVM hook is SharedInfrastructure's, which stops Kafka first.
    Map<String, String> settings =
        Boolean.getBoolean(STATEMENTS_PROPERTY)
            ? Map.of(
                "shared_preload_libraries",
                "pg_stat_statements",
                "pg_stat_statements.track_planning",
                "on")
            : Map.of();
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
