package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.infrastructure.JdbiFactory;
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
 * @param name the database name, {@code test_<random>}
 * @param connection how to connect to it
 * @param server the shared server that holds it
 */
public record TestDatabase(String name, DatabaseUrl connection, SharedPostgres server)
    implements AutoCloseable {

  /** A non-pooled DataSource; every call opens a new connection. */
  public DataSource dataSource() {
    PGSimpleDataSource dataSource = new PGSimpleDataSource();
    dataSource.setUrl(connection.jdbcUrl());
    dataSource.setUser(connection.username());
    return dataSource;
  }

  /** A Jdbi on {@link #dataSource()}, configured as the application's. */
  public Jdbi jdbi() {
    return JdbiFactory.create(dataSource());
  }

  /** Applies the application's Flyway migrations; returns this for chaining. */
  public TestDatabase migrate() {
    Flyway.configure().dataSource(dataSource()).load().migrate();
    return this;
  }

  /** Drops the database, disconnecting whoever still uses it. */
  @Override
  public void close() {
    server.drop(name);
  }
}
