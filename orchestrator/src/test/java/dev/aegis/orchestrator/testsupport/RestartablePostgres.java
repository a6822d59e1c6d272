package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.standalone.infrastructure.AegisDatabaseBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import dev.aegis.orchestrator.standalone.infrastructure.EmbeddedPostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.springframework.util.FileSystemUtils;

/**
 * A PostgreSQL server of one test's own, which the test can stop and start again, for scenarios
 * such as "processing fails while the database is down, and succeeds once it is back".
 *
 * <p>Contract: the server keeps one port and one data directory for its whole life, so a connection
 * pool configured with {@link #connection()} reconnects by itself after {@link #restart()}, and
 * committed data survives. While stopped, new connections are refused and open ones are broken.
 * {@link #close()} stops the server and deletes its data. Thread-safe.
 *
 * <p>It is a separate server rather than a database on the shared one because a real outage refuses
 * connections at the socket, which is what the application must survive.
 */
public final class RestartablePostgres implements AutoCloseable {

  private final Path dataDirectory;
  private final int port;
  private EmbeddedPostgresServer server;
  private boolean closed;

  private RestartablePostgres(Path dataDirectory, int port) {
    this.dataDirectory = dataDirectory;
    this.port = port;
  }

  /**
   * Starts a new server with an empty database {@value AegisDatabaseBootstrap#EMBEDDED_DATABASE}
   * owned by the owner role, as the standalone one is (see {@link DatabaseRoles}).
   */
  public static RestartablePostgres start() {
    try {
      RestartablePostgres postgres =
          new RestartablePostgres(
              Files.createTempDirectory("aegis-restartable-postgres-"), freePort());
      postgres.restart();
      postgres.server.prepareApplicationDatabase(AegisDatabaseBootstrap.EMBEDDED_DATABASE);
      return postgres;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** How to connect to its database as the owner role (migrations, DDL); valid across restarts. */
  public DatabaseUrl connection() {
    return connection(DatabaseRoles.EMBEDDED_OWNER);
  }

  /** How to connect to its database as the application role; valid across restarts. */
  public DatabaseUrl appConnection() {
    return connection(DatabaseRoles.EMBEDDED_APP);
  }

  private DatabaseUrl connection(String role) {
    return new DatabaseUrl(
        "jdbc:postgresql://localhost:" + port + "/" + AegisDatabaseBootstrap.EMBEDDED_DATABASE,
        role,
        null);
  }

  /** Stops the server; connections fail until {@link #restart()}. Does nothing if stopped. */
  public synchronized void stop() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  /** Starts the server again on the same port and data; stops it first if it runs. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    stop();
    // The JVM hook is a safety net: a test that forgets close() must not leave a server behind.
    server = EmbeddedPostgresServer.start(Optional.of(dataDirectory), port, true);
  }

  /** Whether the server is running. */
  public synchronized boolean isRunning() {
    return server != null;
  }

  /** The fixed port. */
  public int port() {
    return port;
  }

  /** Stops the server and deletes its data directory. */
  @Override
  public synchronized void close() {
    stop();
    closed = true;
    try {
      FileSystemUtils.deleteRecursively(dataDirectory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    }
  }

  @Override
  public String toString() {
    return "RestartablePostgres[port=" + port + ", dataDirectory=" + dataDirectory + "]";
  }
}
