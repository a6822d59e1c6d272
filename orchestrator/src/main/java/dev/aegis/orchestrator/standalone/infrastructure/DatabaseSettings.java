package dev.aegis.orchestrator.standalone.infrastructure;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * Which PostgreSQL Aegis uses, resolved once at startup.
 *
 * <p>Properties (each falls back to the env variable in brackets):
 *
 * <ul>
 *   <li>{@code aegis.database.url} [{@code DATABASE_URL}]: external server; when set, nothing is
 *       embedded. Any form {@link DatabaseUrl#parse} accepts.
 *   <li>{@code aegis.database.username} [{@code DATABASE_USERNAME}], {@code
 *       aegis.database.password} [{@code DATABASE_PASSWORD}]: override the URL's credentials.
 *   <li>{@code aegis.database.migration-username} [{@code DATABASE_MIGRATION_USERNAME}], {@code
 *       aegis.database.migration-password} [{@code DATABASE_MIGRATION_PASSWORD}]: the owner role
 *       Flyway migrates the external server as. Without a migration username Flyway uses the
 *       application's credentials, which then must own the schema, and the application role's
 *       least-privilege limits (docs/database.md) do not hold.
 *   <li>{@code aegis.database.embedded.data-dir}: default {@code postgres} under the data directory
 *       ({@link DataDirectory}, so {@code ${user.home}/.aegis/postgres}); an empty value or {@code
 *       ephemeral} means a temporary directory deleted on close.
 *   <li>{@code aegis.database.embedded.port}: default 0, a random free port.
 * </ul>
 *
 * @param external the external server, if configured, as the application connects to it
 * @param externalMigration the external server as Flyway connects to it, present only when a
 *     migration username is configured
 * @param embeddedDataDirectory where the embedded server keeps its data; empty means ephemeral
 * @param embeddedPort the embedded server's port, 0 for a random free one
 */
public record DatabaseSettings(
    Optional<DatabaseUrl> external,
    Optional<DatabaseUrl> externalMigration,
    Optional<Path> embeddedDataDirectory,
    int embeddedPort) {

  public static final String URL = "aegis.database.url";
  public static final String USERNAME = "aegis.database.username";
  public static final String PASSWORD = "aegis.database.password";
  public static final String MIGRATION_USERNAME = "aegis.database.migration-username";
  public static final String MIGRATION_PASSWORD = "aegis.database.migration-password";
  public static final String EMBEDDED_DATA_DIR = "aegis.database.embedded.data-dir";
  public static final String EMBEDDED_PORT = "aegis.database.embedded.port";

  /** Resolves the settings from Spring's environment (properties, then env variables). */
  public static DatabaseSettings from(Environment env) {
    Optional<DatabaseUrl> external =
        SettingsLookup.firstNonBlank(env, URL, "DATABASE_URL")
            .map(DatabaseUrl::parse)
            .map(
                url ->
                    url.withCredentials(
                        SettingsLookup.firstNonBlank(env, USERNAME, "DATABASE_USERNAME")
                            .orElse(null),
                        SettingsLookup.firstNonBlank(env, PASSWORD, "DATABASE_PASSWORD")
                            .orElse(null)));
    Optional<String> migrationUser =
        SettingsLookup.firstNonBlank(env, MIGRATION_USERNAME, "DATABASE_MIGRATION_USERNAME");
    Optional<DatabaseUrl> migration =
        external.flatMap(
            url ->
                migrationUser.map(
                    user ->
                        new DatabaseUrl(
                            url.jdbcUrl(),
                            user,
                            SettingsLookup.firstNonBlank(
                                    env, MIGRATION_PASSWORD, "DATABASE_MIGRATION_PASSWORD")
                                .orElse(null))));
    return new DatabaseSettings(
        external, migration, dataDirectory(env), SettingsLookup.integer(env, EMBEDDED_PORT, 0));
  }

  private static Optional<Path> dataDirectory(Environment env) {
    // An absent property means the data directory's postgres/; a present but empty one means
    // ephemeral.
    if (!env.containsProperty(EMBEDDED_DATA_DIR)) {
      return DataDirectory.from(env).resolve(DataDirectory.POSTGRES);
    }
    return DataDirectory.parse(env, EMBEDDED_DATA_DIR, Path.of(""));
  }
}
