package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL Aegis uses: the external one from {@link DatabaseSettings}, or else an embedded
 * server started here, with a database named {@value #EMBEDDED_DATABASE}.
 *
 * <p>Two connections: {@link #connection()}, as the application role, for the pool; and {@link
 * #migrationConnection()}, as the schema owner, for Flyway (see {@link DatabaseRoles}). An embedded
 * server gets both roles; an external one uses the configured migration user, or the application's
 * credentials when none is configured (logged as a warning).
 *
 * <p>Other beans reach the database through the {@code DataSource}; this bean exists so that the
 * server starts before the pool and stops after it. {@link #close()} stops an embedded server and
 * does nothing for an external one.
 */
public final class AegisDatabaseBootstrap implements AutoCloseable {

  /** The database the embedded server holds Aegis's data in. */
  public static final String EMBEDDED_DATABASE = "aegis";

  private static final Logger LOG = LoggerFactory.getLogger(AegisDatabaseBootstrap.class);

  private final DatabaseUrl connection;
  private final DatabaseUrl migrationConnection;
  private final Optional<EmbeddedPostgresServer> embedded;

  private AegisDatabaseBootstrap(
      DatabaseUrl connection,
      DatabaseUrl migrationConnection,
      Optional<EmbeddedPostgresServer> embedded) {
    this.connection = connection;
    this.migrationConnection = migrationConnection;
    this.embedded = embedded;
  }

  /**
   * Uses the external server if configured, else starts an embedded one.
   *
   * @param stopOnJvmExit see {@link EmbeddedPostgresServer#start}
   */
  public static AegisDatabaseBootstrap start(DatabaseSettings settings, boolean stopOnJvmExit) {
    return start(settings, stopOnJvmExit, true);
  }

  /**
   * As {@link #start(DatabaseSettings, boolean)}; {@code durableCommits} false turns the embedded
   * server's {@code synchronous_commit} off (faster; an OS crash may lose the last acknowledged
   * commits).
   */
  public static AegisDatabaseBootstrap start(
      DatabaseSettings settings, boolean stopOnJvmExit, boolean durableCommits) {
    if (settings.external().isPresent()) {
      DatabaseUrl app = settings.external().get();
      LOG.info("Using external PostgreSQL");
      if (settings.externalMigration().isEmpty()) {
        LOG.warn(
            "No database migration user configured (DATABASE_MIGRATION_USERNAME): Flyway "
                + "migrates as the application user, which can then alter or empty the audit log, "
                + "transitions and RCA records. Configure a separate owner role for production.");
      }
      return new AegisDatabaseBootstrap(
          app, settings.externalMigration().orElse(app), Optional.empty());
    }
    EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(
            settings.embeddedDataDirectory(),
            settings.embeddedPort(),
            stopOnJvmExit,
            durableCommits && settings.embeddedDataDirectory().isPresent());
    try {
      server.prepareApplicationDatabase(EMBEDDED_DATABASE);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return new AegisDatabaseBootstrap(
        server.connection(EMBEDDED_DATABASE, DatabaseRoles.EMBEDDED_APP),
        server.connection(EMBEDDED_DATABASE, DatabaseRoles.EMBEDDED_OWNER),
        Optional.of(server));
  }

  /** How the application connects; never null. */
  public DatabaseUrl connection() {
    return connection;
  }

  /**
   * How Flyway connects: as the schema owner, or as the application when no separate migration user
   * is configured for an external server. Never null.
   */
  public DatabaseUrl migrationConnection() {
    return migrationConnection;
  }

  /** Whether migrations run as a role other than the application's. */
  public boolean migratesAsSeparateRole() {
    return !sameUser(connection, migrationConnection);
  }

  private static boolean sameUser(DatabaseUrl a, DatabaseUrl b) {
    return a.jdbcUrl().equals(b.jdbcUrl()) && Objects.equals(a.username(), b.username());
  }

  /** Whether the server is embedded in this process. */
  public boolean isEmbedded() {
    return embedded.isPresent();
  }

  /** The embedded server, when there is one. */
  public Optional<EmbeddedPostgresServer> embeddedServer() {
    return embedded;
  }

  @Override
  public void close() {
    embedded.ifPresent(EmbeddedPostgresServer::close);
  }
}
