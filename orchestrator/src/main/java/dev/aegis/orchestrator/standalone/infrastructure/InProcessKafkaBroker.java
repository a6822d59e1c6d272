package dev.aegis.orchestrator.standalone.infrastructure;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.util.FileSystemUtils;

/**
 * One real Kafka broker inside this JVM: a single KRaft node that is both controller and broker
 * ({@code kafka.server.KafkaRaftServer}, what {@code kafka-server-start.sh} runs), listening on
 * 127.0.0.1 only.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>A persistent directory keeps the broker's log and metadata in {@code logs/} under it,
 *       formatted once with a new cluster id; later starts reuse it, so records, topics, committed
 *       consumer offsets and the cluster id survive a restart, and a start after {@code kill -9}
 *       recovers the log as Kafka does. An ephemeral broker uses a temporary directory deleted by
 *       {@link #close()}.
 *   <li>The directory is claimed ({@link DirectoryLock}) before Kafka touches it: a second broker
 *       on it, in this JVM or another, is refused at once with {@link IllegalStateException}.
 *   <li>With {@code fsyncEveryWrite}, the broker fsyncs a partition's log after every append,
 *       before it acknowledges the write ({@code log.flush.interval.messages=1}): one node has no
 *       replica to lose data to, so only this makes an acknowledged record survive an OS crash or
 *       power loss. Without it, a record survives a crash of the process but may be lost with the
 *       OS.
 *   <li>The topics given are created if missing, with the given partitions; an existing topic is
 *       kept as it is.
 *   <li>Consumer group members a previous run left behind are removed at start ({@link
 *       StaleGroupMembers}), so this run's consumers get their partitions at once; committed
 *       offsets stay.
 *   <li>A broker can be stopped and another started on the same directory and port, as a restarted
 *       broker would be; clients reconnect by themselves.
 * </ul>
 */
public final class InProcessKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(InProcessKafkaBroker.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final int NODE_ID = 1;
  private static final String LOGS = "logs";
  private static final String CONTROLLER = "CONTROLLER";
  private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaRaftServer server;
  private final DirectoryLock lock;
  private final Path directory;
  private final boolean ephemeral;
  private final String bootstrapServers;
  private final String clusterId;
  private boolean closed;

  private InProcessKafkaBroker(
      KafkaRaftServer server,
      DirectoryLock lock,
      Path directory,
      boolean ephemeral,
      String bootstrapServers,
      String clusterId) {
    this.server = server;
    this.lock = lock;
    this.directory = directory;
    this.ephemeral = ephemeral;
    this.bootstrapServers = bootstrapServers;
    this.clusterId = clusterId;
  }

  /**
   * Starts a broker and creates the missing {@code topics}.
   *
   * @param persistentDirectory where the broker keeps its data; empty for an ephemeral broker
   * @param port the client port on 127.0.0.1; 0 for a free one
   * @param fsyncEveryWrite whether every append is fsynced before it is acknowledged
   * @throws IllegalStateException if the port or the directory is in use, or the broker fails
   */
  public static InProcessKafkaBroker start(
      Optional<Path> persistentDirectory,
      int port,
      boolean fsyncEveryWrite,
      int partitions,
      List<String> topics) {
    long started = System.nanoTime();
    int clientPort = port == 0 ? freePort() : ensurePortFree(port);
    boolean ephemeral = persistentDirectory.isEmpty();
    Path directory = ephemeral ? temporaryDirectory() : persistentDirectory.get().toAbsolutePath();
    DirectoryLock lock =
        DirectoryLock.acquire(
            directory,
            "Kafka data directory",
            "set " + DataDirectory.PROPERTY + " to another directory (or 'ephemeral')");
    KafkaRaftServer server = null;
    try {
      Path logs = directory.resolve(LOGS);
      String clusterId = formatOnce(directory, logs);
      server =
          new KafkaRaftServer(
              new KafkaConfig(
                  brokerProperties(
                      logs, clientPort, freePortBut(clientPort), fsyncEveryWrite, partitions),
                  false),
              Time.SYSTEM);
      server.startup();
      String bootstrap = LOOPBACK + ":" + clientPort;
      createMissingTopics(bootstrap, partitions, topics);
      if (!ephemeral) {
        StaleGroupMembers.remove(bootstrap);
      }
      LOG.info(
          "Embedded Kafka (KRaft) started at {} with data in {} ({}{}), cluster {}, topics {} in {} ms",
          bootstrap,
          logs,
          ephemeral ? "ephemeral" : "persistent",
          fsyncEveryWrite ? ", fsync every write" : "",
          clusterId,
          topics,
          (System.nanoTime() - started) / 1_000_000);
      return new InProcessKafkaBroker(server, lock, directory, ephemeral, bootstrap, clusterId);
    } catch (RuntimeException e) {
      stopQuietly(server);
      lock.close();
      if (ephemeral) {
        deleteQuietly(directory);
      }
      throw e instanceof IllegalStateException
          ? e
          : new IllegalStateException(
              "the embedded Kafka broker failed to start in " + directory, e);
    }
  }

  /**
   * Formats {@code logs} unless done before, and returns the cluster id stored there. Formatting
   * goes to a staging directory that is renamed into place whole, so a crash mid-format leaves no
   * half-formatted log directory behind.
   */
  private static String formatOnce(Path directory, Path logs) {
    try {
      Path meta = logs.resolve("meta.properties");
      if (Files.exists(meta)) {
        return clusterIdIn(meta);
      }
      if (Files.exists(logs)) {
        throw new IllegalStateException(
            "Kafka log directory "
                + logs
                + " exists but holds no "
                + "meta.properties, so it is not a log Aegis formatted; move it aside to start afresh");
      }
      Path staging = directory.resolve(LOGS + ".formatting");
      FileSystemUtils.deleteRecursively(staging);
      Files.createDirectories(staging);
      String clusterId = Uuid.randomUuid().toString();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      new Formatter()
          .setPrintStream(new PrintStream(output, true, StandardCharsets.UTF_8))
          .setNodeId(NODE_ID)
          .setClusterId(clusterId)
          .setDirectories(List.of(staging.toString()))
          .setMetadataLogDirectory(staging.toString())
          .setControllerListenerName(CONTROLLER)
          .run();
      LOG.debug("Formatted Kafka storage: {}", output.toString(StandardCharsets.UTF_8).trim());
      Files.move(staging, logs, StandardCopyOption.ATOMIC_MOVE);
      fsyncDirectory(directory);
      return clusterId;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot prepare the Kafka log directory " + logs, e);
    } catch (IllegalStateException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException("cannot format the Kafka log directory " + logs, e);
    }
  }

  private static String clusterIdIn(Path metaProperties) throws IOException {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(metaProperties)) {
      properties.load(in);
    }
    String id = properties.getProperty("cluster.id");
    if (id == null || id.isBlank()) {
      throw new IllegalStateException(metaProperties + " names no cluster.id");
    }
    return id;
  }

  private static Map<String, String> brokerProperties(
      Path logs, int clientPort, int controllerPort, boolean fsyncEveryWrite, int partitions) {
    Map<String, String> p = new HashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(NODE_ID));
    p.put("controller.quorum.voters", NODE_ID + "@" + LOOPBACK + ":" + controllerPort);
    p.put("controller.listener.names", CONTROLLER);
    p.put(
        "listeners",
        "EXTERNAL://"
            + LOOPBACK
            + ":"
            + clientPort
            + ","
            + CONTROLLER
            + "://"
            + LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "EXTERNAL://" + LOOPBACK + ":" + clientPort);
    p.put("listener.security.protocol.map", "EXTERNAL:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
    p.put("inter.broker.listener.name", "EXTERNAL");
    p.put("log.dirs", logs.toString());
    p.put("metadata.log.dir", logs.toString());
    // One broker: internal topics cannot have the default three replicas.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("num.partitions", Integer.toString(partitions));
    // A consumer group starts consuming at once instead of waiting 3 s for more members.
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a kill -9 the controller keeps the dead broker's registration until its session
    // expires, and
    // the restarted broker waits for that: 9 s by default. Broker and controller share this JVM, so
    // a short
    // session costs nothing and makes a restart that much faster.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");
    // The log cleaner's default 128 MiB dedupe buffer is sized for a production broker.
    p.put("log.cleaner.dedupe.buffer.size", Integer.toString(2 * 1024 * 1024));
    if (fsyncEveryWrite) {
      p.put("log.flush.interval.messages", "1");
    }
    return p;
  }

  private static void createMissingTopics(String bootstrap, int partitions, List<String> topics) {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Set<String> existing =
          admin.listTopics().names().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t))
              .map(t -> new NewTopic(t, partitions, (short) 1))
              .toList();
      if (!missing.isEmpty()) {
        admin.createTopics(missing).all().get(TOPIC_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics " + topics, e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create topics " + topics + " on the embedded Kafka", e);
    }
  }

  private static int ensurePortFree(int port) {
    // A taken port otherwise surfaces as a broker that retries for minutes before giving up.
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), port));
      return port;
    } catch (IOException e) {
      throw new IllegalStateException(
          "port "
              + port
              + " is in use, so the embedded Kafka broker"
              + " cannot start there; set aegis.kafka.embedded.port (0 = any free port) or point"
              + " KAFKA_BOOTSTRAP_SERVERS at a running cluster",
          e);
    }
  }

  /**
   * A free port other than {@code taken}: the client port is only probed, not held, so the system
   * may hand the same port out again, and the broker refuses two listeners on one port.
   */
  private static int freePortBut(int taken) {
    for (int attempt = 0; attempt < 16; attempt++) {
      int port = freePort();
      if (port != taken) {
        return port;
      }
    }
    throw new IllegalStateException("no free port on " + LOOPBACK + " other than " + taken);
  }

  /**
   * A port free now. The controller's port must be known before the broker starts (it is in the
   * quorum configuration), so it is picked here rather than by the OS at bind time.
   */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName(LOOPBACK), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    }
  }

  private static Path temporaryDirectory() {
    try {
      return Files.createTempDirectory("aegis-kafka-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void fsyncDirectory(Path directory) throws IOException {
    try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
      channel.force(true);
    }
  }

  private static void stopQuietly(KafkaRaftServer server) {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      LOG.warn("Embedded Kafka did not stop cleanly", e);
    }
  }

  private static void deleteQuietly(Path directory) {
    try {
      FileSystemUtils.deleteRecursively(directory);
    } catch (IOException e) {
      LOG.warn("Could not delete {}", directory, e);
    }
  }

  /** The {@code 127.0.0.1:port} clients connect to. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The cluster id, fixed when the directory was formatted. */
  public String clusterId() {
    return clusterId;
  }

  /** The broker's directory (its log is in {@code logs/} under it). */
  public Path directory() {
    return directory;
  }

  /** Whether the directory is deleted on {@link #close()}. */
  public boolean isEphemeral() {
    return ephemeral;
  }

  /** Stops the broker (a controlled shutdown) and releases its directory; safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    long started = System.nanoTime();
    stopQuietly(server);
    lock.close();
    if (ephemeral) {
      deleteQuietly(directory);
    }
    LOG.info(
        "Embedded Kafka at {} stopped in {} ms",
        bootstrapServers,
        (System.nanoTime() - started) / 1_000_000);
  }
}
