package dev.aegis.orchestrator.infrastructure;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.utils.Exit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (combined KRaft controller and broker) inside this JVM, built on
 * spring-kafka-test's {@link EmbeddedKafkaKraftBroker}. Its logs live in a temporary directory
 * that is deleted on close: the broker keeps no state across restarts.
 */
final class InProcessKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);
  private static final String LOOPBACK = "127.0.0.1";

  private final EmbeddedKafkaKraftBroker broker;
  private final String bootstrapServers;
  private final List<Runnable> cleanups;

  private InProcessKafkaBroker(
      EmbeddedKafkaKraftBroker broker, String bootstrapServers, List<Runnable> cleanups) {
    this.broker = broker;
    this.bootstrapServers = bootstrapServers;
    this.cleanups = cleanups;
  }

  static InProcessKafkaBroker start(int port, int partitions, List<String> topics) {
    ensurePortFree(port);
    long started = System.nanoTime();
    EmbeddedKafkaKraftBroker broker =
        new EmbeddedKafkaKraftBroker(1, partitions, topics.toArray(String[]::new));
    broker.brokerProperties(brokerProperties(port));
    // By default the broker writes its address into the system property
    // spring.kafka.bootstrap-servers, which would leak into every later Spring context of the JVM.
    broker.brokerListProperty(null);
    List<Runnable> cleanups = startCapturingShutdownHooks(broker);
    String bootstrap = LOOPBACK + ":" + boundPort(broker);
    LOG.info("Embedded Kafka (KRaft) started at {} with topics {} ({} partitions) in {} ms",
        bootstrap, topics, partitions, (System.nanoTime() - started) / 1_000_000);
    return new InProcessKafkaBroker(broker, bootstrap, cleanups);
  }

  /**
   * Kafka's test kit registers JVM shutdown hooks that delete the broker's log directories. On
   * Ctrl-C they would run while the Spring context is still stopping the broker, which then fails
   * with storage errors. They are kept instead and run by {@link #close()}, after the broker.
   */
  private static synchronized List<Runnable> startCapturingShutdownHooks(
      EmbeddedKafkaKraftBroker broker) {
    List<Runnable> captured = new CopyOnWriteArrayList<>();
    Exit.setShutdownHookAdder((name, hook) -> captured.add(hook));
    try {
      broker.afterPropertiesSet();
    } finally {
      Exit.resetShutdownHookAdder();
    }
    return captured;
  }

  private static Map<String, String> brokerProperties(int port) {
    return Map.of(
        // KafkaClusterTestKit only defaults "listeners", so a fixed port and host can be given.
        "listeners", "EXTERNAL://" + LOOPBACK + ":" + port + ",CONTROLLER://" + LOOPBACK + ":0",
        // One broker: the internal topics cannot have the default three replicas.
        "transaction.state.log.replication.factor", "1",
        "transaction.state.log.min.isr", "1",
        "offsets.topic.replication.factor", "1");
  }

  private static int boundPort(EmbeddedKafkaKraftBroker broker) {
    // The test kit reports "localhost:<bound port>"; the listener is bound on 127.0.0.1, so only
    // the port is taken, and clients are pointed at the address the broker really listens on.
    String reported = broker.getBrokersAsString();
    return Integer.parseInt(reported.substring(reported.lastIndexOf(':') + 1));
  }

  private static void ensurePortFree(int port) {
    if (port == 0) {
      return;
    }
    // A taken port otherwise surfaces as a broker that retries for minutes before giving up.
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
    } catch (IOException e) {
      throw new IllegalStateException("port " + port + " is in use, so the embedded Kafka broker"
          + " cannot start there; set aegis.kafka.embedded.port (0 = any free port) or point"
          + " KAFKA_BOOTSTRAP_SERVERS at a running cluster", e);
    }
  }

  String bootstrapServers() {
    return bootstrapServers;
  }

  @Override
  public void close() {
    long started = System.nanoTime();
    broker.destroy();
    cleanups.forEach(Runnable::run);
    LOG.info("Embedded Kafka at {} stopped in {} ms", bootstrapServers,
        (System.nanoTime() - started) / 1_000_000);
  }
}
