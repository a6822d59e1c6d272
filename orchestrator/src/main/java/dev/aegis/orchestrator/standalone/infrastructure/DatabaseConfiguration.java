package dev.aegis.orchestrator.standalone.infrastructure;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.flyway.FlywayConfigurationCustomizer;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Aegis's PostgreSQL: the server and the {@link DataSource} (a Hikari pool) on it; JDBI on top of
 * it is {@code persistence.PersistenceConfiguration}.
 *
 * <p>The pool points at {@code DATABASE_URL} when set, else at an embedded server whose data
 * survives restarts (see {@link DatabaseSettings} for the properties). Beans are ordered so that
 * the server starts before the pool and stops after it. Spring Boot's Flyway auto-configuration
 * migrates this DataSource; the Jdbi bean is marked to wait for that migration, since Boot only
 * knows to order its own JDBC templates after it. Pool tuning comes from the usual {@code
 * spring.datasource.hikari.*} properties.
 *
 * <p>The pool connects as the application role; Flyway connects separately, as the schema owner
 * ({@link AegisDatabaseBootstrap#migrationConnection()}), and is told the application role's name
 * so the migrations grant it exactly what it needs ({@link DatabaseRoles}).
 */
@Configuration(value = "aegisDatabaseConfiguration", proxyBeanMethods = false)
public class DatabaseConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(DatabaseConfiguration.class);

  /** The server, external or embedded; the Spring context stops an embedded one on close. */
  @Bean(destroyMethod = "close")
  public AegisDatabaseBootstrap aegisDatabaseBootstrap(Environment environment) {
    // No JVM hook: the context stops the server itself, after the pool that uses it.
    // aegis.database.embedded.synchronous-commit=false trades durability for speed
    // (docs/database.md)
    return AegisDatabaseBootstrap.start(
        DatabaseSettings.from(environment),
        false,
        environment.getProperty("aegis.database.embedded.synchronous-commit", Boolean.class, true));
  }

  /** The connection pool every JDBC user shares. */
  @Bean(destroyMethod = "close")
  @ConfigurationProperties("spring.datasource.hikari")
  public HikariDataSource dataSource(AegisDatabaseBootstrap database) {
    DatabaseUrl connection = database.connection();
    HikariDataSource pool = new HikariDataSource();
    pool.setPoolName("aegis");
    pool.setJdbcUrl(connection.jdbcUrl());
    pool.setUsername(connection.username());
    pool.setPassword(connection.password());
    // Batched INSERTs (health windows, outbox rows) go to the server as multi-row statements.
    pool.addDataSourceProperty("reWriteBatchedInserts", "true");
    LOG.info(
        "PostgreSQL ({}): {} as {}",
        database.isEmbedded() ? "embedded" : "external",
        connection.redactedJdbcUrl(),
        connection.username());
    return pool;
  }

  /** Flyway migrates as the schema owner and grants the application role its privileges. */
  @Bean
  public FlywayConfigurationCustomizer aegisFlywayRoles(AegisDatabaseBootstrap database) {
    return flyway -> {
      DatabaseUrl owner = database.migrationConnection();
      if (database.migratesAsSeparateRole()) {
        flyway.dataSource(owner.jdbcUrl(), owner.username(), owner.password());
        LOG.info("Flyway migrates as {}", owner.username());
      }
      DatabaseRoles.withAppRole(flyway, database.connection().username());
    };
  }
}
