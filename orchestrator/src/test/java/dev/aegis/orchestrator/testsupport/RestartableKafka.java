package dev.aegis.orchestrator.testsupport;

import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.InProcessKafkaBroker;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
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
 * A Kafka broker of one test's own, which the test can stop and start again, for scenarios such as
 * "the broker goes away mid-canary and comes back".
 *
 * <p>Contract: the broker keeps one port and one log directory for its whole life (it is the
 * standalone broker, {@link InProcessKafkaBroker}, on a persistent directory), so clients
 * configured with {@link #bootstrapServers()} reconnect by themselves after {@link #restart()}, and
 * every acknowledged record, topic and committed offset survives. While stopped, connections are
 * refused. {@link #close()} stops it and deletes its log. Thread-safe.
 */
public final class RestartableKafka implements AutoCloseable {

  private final Path directory;
  private final int port;
  private InProcessKafkaBroker broker;
  private boolean closed;

  private RestartableKafka(Path directory, int port) {
    this.directory = directory;
    this.port = port;
  }

  /**
   * Starts a new broker with the contract topics ({@link KafkaSettings#DEFAULT_PARTITIONS}
   * partitions).
   */
  public static RestartableKafka start() {
    try {
      RestartableKafka kafka =
          new RestartableKafka(Files.createTempDirectory("aegis-restartable-kafka-"), freePort());
      kafka.restart();
      return kafka;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The broker's address; the same across restarts. */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /** Stops the broker (a controlled shutdown); clients fail to connect until {@link #restart()}. */
  public synchronized void stop() {
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  /** Starts the broker again on the same port and log; stops it first if it runs. */
  public synchronized void restart() {
    if (closed) {
      throw new IllegalStateException("closed");
    }
    stop();
    broker =
        InProcessKafkaBroker.start(
            Optional.of(directory),
            port,
            true,
            KafkaSettings.DEFAULT_PARTITIONS,
            AegisKafkaBootstrap.CONTRACT_TOPICS);
  }

  /** Whether the broker is running. */
  public synchronized boolean isRunning() {
    return broker != null;
  }

  /** Stops the broker and deletes its log. */
  @Override
  public synchronized void close() {
    stop();
    closed = true;
    try {
      FileSystemUtils.deleteRecursively(directory);
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
    return "RestartableKafka[" + bootstrapServers() + ", directory=" + directory + "]";
  }
}
