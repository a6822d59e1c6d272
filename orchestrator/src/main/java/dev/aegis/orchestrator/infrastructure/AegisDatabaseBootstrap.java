package dev.aegis.orchestrator.infrastructure;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL Aegis uses: the external one from {@link DatabaseSettings}, or else an embedded
 * server started here, with a database named {@value #EMBEDDED_DATABASE}.
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
  private final Optional<EmbeddedPostgresServer> embedded;

  private AegisDatabaseBootstrap(DatabaseUrl connection, Optional<EmbeddedPostgresServer> embedded) {
    this.connection = connection;
    this.embedded = embedded;
  }

  /**
   * Uses the external server if configured, else starts an embedded one.
   *
   * @param stopOnJvmExit see {@link EmbeddedPostgresServer#start}
   */
  public static AegisDatabaseBootstrap start(DatabaseSettings settings, boolean stopOnJvmExit) {
    if (settings.external().isPresent()) {
      LOG.info("Using external PostgreSQL");
      return new AegisDatabaseBootstrap(settings.external().get(), Optional.empty());
    }
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(
        settings.embeddedDataDirectory(), settings.embeddedPort(), stopOnJvmExit);
    try {
      server.createDatabaseIfMissing(EMBEDDED_DATABASE);
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    return new AegisDatabaseBootstrap(server.connection(EMBEDDED_DATABASE), Optional.of(server));
  }

  /** How to connect; never null. */
  public DatabaseUrl connection() {
    return connection;
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
