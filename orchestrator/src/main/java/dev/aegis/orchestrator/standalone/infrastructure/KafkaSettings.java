package dev.aegis.orchestrator.standalone.infrastructure;

import java.nio.file.Path;
import java.util.Optional;
import org.springframework.core.env.Environment;

/**
 * Which Kafka Aegis uses, resolved once at startup.
 *
 * <p>Properties:
 *
 * <ul>
 *   <li>{@code aegis.kafka.bootstrap-servers} [env {@code KAFKA_BOOTSTRAP_SERVERS}]: an external
 *       cluster; when set, no broker is embedded. This is the only switch: {@code
 *       spring.kafka.bootstrap-servers} is an output of {@link AegisKafkaBootstrap}, not an input.
 *   <li>{@code aegis.kafka.embedded.port}: default 9092, so local tools find the broker; 0 picks a
 *       random free port.
 *   <li>{@code aegis.kafka.embedded.partitions}: partitions per contract topic, default 3.
 *   <li>The embedded broker keeps its log under {@code kafka/} in the data directory ({@link
 *       DataDirectory}, {@code aegis.data-dir}); an ephemeral data directory gives an ephemeral
 *       broker.
 *   <li>{@code aegis.kafka.embedded.fsync}: whether a persistent broker fsyncs every write before
 *       it acknowledges it, default true (docs/reliability.md); an ephemeral broker never does.
 * </ul>
 *
 * @param external the external bootstrap servers, if configured
 * @param embeddedPort the embedded broker's port, 0 for a random free one
 * @param embeddedPartitions partitions of each topic the embedded broker creates
 * @param embeddedDataDirectory where the embedded broker keeps its data; empty means ephemeral
 * @param embeddedFsync whether the embedded broker fsyncs every write (persistent brokers only)
 */
public record KafkaSettings(
    Optional<String> external,
    int embeddedPort,
    int embeddedPartitions,
    Optional<Path> embeddedDataDirectory,
    boolean embeddedFsync) {

  public static final String BOOTSTRAP_SERVERS = "aegis.kafka.bootstrap-servers";
  public static final String EMBEDDED_PORT = "aegis.kafka.embedded.port";
  public static final String EMBEDDED_PARTITIONS = "aegis.kafka.embedded.partitions";
  public static final String EMBEDDED_FSYNC = "aegis.kafka.embedded.fsync";
  public static final int DEFAULT_EMBEDDED_PORT = 9092;
  public static final int DEFAULT_PARTITIONS = 3;

  public KafkaSettings {
    if (embeddedPartitions < 1) {
      throw new IllegalArgumentException(EMBEDDED_PARTITIONS + " must be at least 1");
    }
    embeddedFsync = embeddedFsync && embeddedDataDirectory.isPresent();
  }

  /** Settings with an ephemeral embedded broker. */
  public KafkaSettings(Optional<String> external, int embeddedPort, int embeddedPartitions) {
    this(external, embeddedPort, embeddedPartitions, Optional.empty(), false);
  }

  /** Resolves the settings from Spring's environment (properties, then env variables). */
  public static KafkaSettings from(Environment env) {
    return new KafkaSettings(
        SettingsLookup.firstNonBlank(env, BOOTSTRAP_SERVERS, "KAFKA_BOOTSTRAP_SERVERS"),
        SettingsLookup.integer(env, EMBEDDED_PORT, DEFAULT_EMBEDDED_PORT),
        SettingsLookup.integer(env, EMBEDDED_PARTITIONS, DEFAULT_PARTITIONS),
        DataDirectory.from(env).resolve(DataDirectory.KAFKA),
        env.getProperty(EMBEDDED_FSYNC, Boolean.class, true));
  }

  /** Settings for an ephemeral embedded broker on {@code port}. */
  public static KafkaSettings embedded(int port, int partitions) {
    return new KafkaSettings(Optional.empty(), port, partitions);
  }

  /**
   * Settings for an embedded broker on {@code port} keeping its data in {@code directory}, fsyncing
   * every write.
   */
  public static KafkaSettings persistent(int port, int partitions, Path directory) {
    return new KafkaSettings(Optional.empty(), port, partitions, Optional.of(directory), true);
  }
}
