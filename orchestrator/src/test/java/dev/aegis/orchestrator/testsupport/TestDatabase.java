package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.persistence.JdbiFactory;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One database of its own on the shared server, for one test class or test.
 *
 * <p>For tests without Spring: {@link #migrate()} applies the application's Flyway migrations
 * ({@code classpath:db/migration}) and {@link #jdbi()} gives a Jdbi configured like the
 * application's. {@link #close()} drops the database.
 *
 * <p>Two roles, as in production: {@link #connection()} is the owner, which migrates and may do
 * anything to the schema; {@link #appConnection()} is the application role, with only what the
 * migrations grant it (no UPDATE or DELETE of the history, no DDL).
 *
 * @param name the database name, {@code test_<random>}
 * @param connection how to connect to it as the owner role
 * @param server the shared server that holds it
 */
public record TestDatabase(String name, DatabaseUrl connection, SharedPostgres server)
    implements AutoCloseable {

  /** How to connect to it as the application role. */
  public DatabaseUrl appConnection() {
    return server.connection(name, DatabaseRoles.EMBEDDED_APP);
  }

  /** A non-pooled DataSource as the owner; every call opens a new connection. */
  public DataSource dataSource() {
    return dataSource(connection);
  }

  /** A Jdbi on {@link #dataSource()} (the owner), configured as the application's. */
  public Jdbi jdbi() {
    return JdbiFactory.create(dataSource());
  }

  /** A Jdbi connected as the application role, configured as the application's. */
  public Jdbi appJdbi() {
    return JdbiFactory.create(dataSource(appConnection()));
  }

  /**
   * Applies the application's Flyway migrations as the owner, granting the application role its
   * privileges; returns this for chaining.
   */
  public TestDatabase migrate() {
    return migrateTo(null);
  }

  /**
   * {@link #migrate()} up to migration {@code version} only (null: all), for tests of a migration
   * over rows written by the one before it; returns this for chaining.
   */
  public TestDatabase migrateTo(String version) {
    var configuration =
        DatabaseRoles.withAppRole(
            Flyway.configure().dataSource(dataSource()), DatabaseRoles.EMBEDDED_APP);
    if (version != null) {
      configuration.target(version);
    }
    configuration.load().migrate();
    return this;
  }

  private static DataSource dataSource(DatabaseUrl url) {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(url.jdbcUrl());
    dataSource.setUser(url.username());
    return dataSource;
  }

  /** Drops the database, disconnecting whoever still uses it. */
  @Override
  public void close() {
    server.drop(name);
  }
}
