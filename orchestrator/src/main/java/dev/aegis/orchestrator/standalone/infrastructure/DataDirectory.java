package dev.aegis.orchestrator.standalone.infrastructure;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * Where a standalone Aegis keeps what must survive a restart: {@code aegis.data-dir} [env {@code
 * AEGIS_DATA_DIR}], default {@code ${user.home}/.aegis}. An empty value or {@code ephemeral} means
 * no data directory: every embedded server then uses a temporary directory deleted when it stops.
 *
 * <p>Layout (docs/reliability.md): {@value #POSTGRES} (the embedded PostgreSQL, unless {@code
 * aegis.database.embedded.data-dir} says otherwise), {@value #KAFKA} (the embedded broker's log and
 * metadata) and {@value #KUBERNETES} (the in-process Kubernetes API's objects).
 *
 * @param root the directory, empty when ephemeral
 */
public record DataDirectory(Optional<Path> root) {

  public static final String PROPERTY = "aegis.data-dir";
  public static final String POSTGRES = "postgres";
  public static final String KAFKA = "kafka";
  public static final String KUBERNETES = "kubernetes";
  static final String EPHEMERAL = "ephemeral";

  /** Resolves {@value #PROPERTY} from Spring's environment (a property, or the env variable). */
  public static DataDirectory from(Environment env) {
    return new DataDirectory(
        parse(env, PROPERTY, Path.of(System.getProperty("user.home"), ".aegis")));
  }

  /** No data directory: every embedded server is ephemeral. */
  public static DataDirectory ephemeral() {
    return new DataDirectory(Optional.empty());
  }

  /**
   * The directory of one embedded server ({@link #POSTGRES}, {@link #KAFKA}, {@link #KUBERNETES}).
   */
  public Optional<Path> resolve(String part) {
    return root.map(r -> r.resolve(part));
  }

  /**
   * Reads a directory property: absent means {@code defaultValue}; present but empty, or {@value
   * #EPHEMERAL}, means none (a temporary directory).
   */
  static Optional<Path> parse(Environment env, String property, Path defaultValue) {
    if (!env.containsProperty(property)) {
      return Optional.of(defaultValue);
    }
    String value = env.getProperty(property, "").trim();
    if (value.isEmpty() || value.equalsIgnoreCase(EPHEMERAL)) {
      return Optional.empty();
    }
    return Optional.of(Path.of(value));
  }
}
