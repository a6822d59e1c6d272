package dev.aegis.orchestrator.testsupport;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aegis.orchestrator.persistence.JdbiFactory;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import java.util.HashMap;
import java.util.Map;
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
 * <p>{@link #jdbi()} and {@link #appJdbi()} take their connections from a small pool per role, as
 * the application does: a new PostgreSQL connection is a new server process, and tests that run
 * hundreds of short transactions spent most of their time starting them.
 *
 * @param name the database name, {@code test_<random>}
 * @param connection how to connect to it as the owner role
 * @param server the shared server that holds it
 * @param pools its pools by role, closed before it is dropped
 */
public record TestDatabase(
    String name, DatabaseUrl connection, SharedPostgres server, Map<String, HikariDataSource> pools)
    implements AutoCloseable {

  public TestDatabase(String name, DatabaseUrl connection, SharedPostgres server) {
    this(name, connection, server, new HashMap<>());
  }

  /** How to connect to it as the application role. */
  public DatabaseUrl appConnection() {
    return server.connection(name, DatabaseRoles.EMBEDDED_APP);
  }

  /** A non-pooled DataSource as the owner; every call opens a new connection. */
  public DataSource dataSource() {
    return dataSource(connection);
  }

  /** A Jdbi as the owner, configured as the application's, on a pool of the owner's connections. */
  public Jdbi jdbi() {
    return JdbiFactory.create(pool(connection));
  }

  /** A Jdbi connected as the application role, configured as the application's (pooled). */
  public Jdbi appJdbi() {
    return JdbiFactory.create(pool(appConnection()));
  }

  /**
   * The role's pool: up to 16 connections (more than any test's threads hold at once), none kept
   * idle for long.
   */
  private synchronized DataSource pool(DatabaseUrl url) {
    return pools.computeIfAbsent(
        url.username(),
        role -> {
          HikariConfig config = new HikariConfig();
          config.setDataSource(dataSource(url));
          config.setPoolName(name + "-" + role);
          config.setMaximumPoolSize(16);
          config.setMinimumIdle(0);
          config.setIdleTimeout(10_000);
          return new HikariDataSource(config);
        });
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
    synchronized (this) {
      pools.values().forEach(HikariDataSource::close);
      pools.clear();
    }
    server.drop(name);
  }
}
