package dev.aegis.orchestrator.standalone.infrastructure;

import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka cluster Aegis talks to: the external one from {@link KafkaSettings}, or else a broker
 * started here in-process with the contract topics ({@link #CONTRACT_TOPICS}) created.
 *
 * <p>Contract: once constructed, {@link #bootstrapServers()} is reachable and never changes.
 * Anything that builds Kafka clients by hand should depend on this bean and use that address;
 * Spring Boot's own Kafka beans get it through {@link KafkaBootstrapConfiguration}. {@link
 * #close()} stops an embedded broker (a persistent one keeps its topics and records for the next
 * start, an ephemeral one loses them) and does nothing for an external cluster.
 */
public final class AegisKafkaBootstrap implements AutoCloseable {

  /** The topics of the public event contract, created on an embedded broker. */
  public static final List<String> CONTRACT_TOPICS =
      List.of(
          "aegis.health",
          "aegis.experiments",
          "aegis.chaos",
          "aegis.lifecycle",
          "aegis.rca",
          "aegis.dlq");

  private static final Logger LOG = LoggerFactory.getLogger(AegisKafkaBootstrap.class);

  private final String bootstrapServers;
  private final Optional<InProcessKafkaBroker> embedded;

  private AegisKafkaBootstrap(String bootstrapServers, Optional<InProcessKafkaBroker> embedded) {
    this.bootstrapServers = bootstrapServers;
    this.embedded = embedded;
  }

  /** Uses the external cluster if configured, else starts an embedded broker. */
  public static AegisKafkaBootstrap start(KafkaSettings settings) {
    if (settings.external().isPresent()) {
      LOG.info("Using external Kafka at {}", settings.external().get());
      return new AegisKafkaBootstrap(settings.external().get(), Optional.empty());
    }
    InProcessKafkaBroker broker =
        InProcessKafkaBroker.start(
            settings.embeddedDataDirectory(),
            settings.embeddedPort(),
            settings.embeddedFsync(),
            settings.embeddedPartitions(),
            CONTRACT_TOPICS);
    return new AegisKafkaBootstrap(broker.bootstrapServers(), Optional.of(broker));
  }

  /** The {@code host:port[,host:port...]} list clients connect to. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** {@link #bootstrapServers()} split into its entries, as Spring's Kafka properties want it. */
  public List<String> bootstrapServerList() {
    return List.of(bootstrapServers.split("\\s*,\\s*"));
  }

  /** Whether the broker runs in this process. */
  public boolean isEmbedded() {
    return embedded.isPresent();
  }

  /** The broker running in this process, if any. */
  public Optional<InProcessKafkaBroker> embeddedBroker() {
    return embedded;
  }

  @Override
  public void close() {
    embedded.ifPresent(InProcessKafkaBroker::close);
  }
}
