package dev.aegis.orchestrator.reliability;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The orchestrator as a separate JVM ({@code java -cp <classpath> AegisApplication --...}), on
 * servers the test JVM hosts. Killed with {@link #kill()}: {@link Process#destroyForcibly()}, which
 * is SIGKILL on Linux, so no shutdown hook, no graceful stop of the Kafka consumers, no last
 * commit.
 *
 * <p>The child's classpath is the test JVM's without its test classes: the application's component
 * scan would otherwise find the tests' {@code @TestConfiguration} classes, which only a test
 * context excludes. Its output goes to {@code logFile}, appended across restarts.
 */
public final class OrchestratorProcess {

  /** JVM flags for a quick start: the start is the price of every kill. */
  static final List<String> JVM_FLAGS =
      List.of(
          "-XX:TieredStopAtLevel=1",
          "-XX:+UseSerialGC",
          "-Xss512k",
          "-Xmx384m",
          "-Xshare:auto",
          "-XX:-UsePerfData");

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /** The line Spring Boot logs once Tomcat listens, with the port it bound. */
  private static final Pattern LISTENING = Pattern.compile("Tomcat started on port (\\d+)");

  private final Process process;
  private final long startedNanos;
  private final Path logFile;
  private final long logOffset;

  private OrchestratorProcess(Process process, long startedNanos, Path logFile, long logOffset) {
    this.process = process;
    this.startedNanos = startedNanos;
    this.logFile = logFile;
    this.logOffset = logOffset;
  }

  /**
   * Starts a child with {@code properties} ({@code name=value}, passed as {@code --name=value}). It
   * listens on a port the kernel gives it ({@code server.port=0}), read back from its log: a port
   * picked here and bound by the child half a minute later may be taken in between.
   */
  static OrchestratorProcess start(List<String> properties, Path logFile) {
    return start(properties, logFile, (String) null);
  }

  /** As {@link #start(List, Path)}, with {@code heapFlag} (e.g. -Xmx2g) instead of the default. */
  static OrchestratorProcess start(List<String> properties, Path logFile, String heapFlag) {
    return start(properties, logFile, heapFlag, List.of(), applicationClasspath());
  }

  /** As {@link #start(List, Path)}, from the jars and with the archive of {@code archive}. */
  static OrchestratorProcess start(
      List<String> properties, Path logFile, ClassDataArchive.Launch archive) {
    return start(properties, logFile, null, archive.jvmFlags(), archive.classpath());
  }

  private static OrchestratorProcess start(
      List<String> properties,
      Path logFile,
      String heapFlag,
      List<String> jvmFlags,
      String classpath) {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(
        heapFlag == null
            ? JVM_FLAGS
            : JVM_FLAGS.stream().map(f -> f.startsWith("-Xmx") ? heapFlag : f).toList());
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(classpath);
    command.add(AegisApplication.class.getName());
    properties.forEach(p -> command.add("--" + p));
    command.add("--server.port=0");
    try {
      long logOffset = Files.exists(logFile) ? Files.size(logFile) : 0;
      long started = System.nanoTime();
      Process process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
              .start();
      return new OrchestratorProcess(process, started, logFile, logOffset);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The properties of a child on the test JVM's servers: the shared Kafka (a fresh consumer group
   * named {@code groupPrefix} + a random suffix, positioned at the end of the topics), {@code
   * database}, and {@code cluster} as an external Kubernetes API; short session timeout, relay
   * interval, lease and retries, so kills and failovers show within seconds.
   */
  static List<String> onSharedServers(
      String groupPrefix, TestDatabase database, ClusterApi cluster) {
    String group = groupPrefix + UUID.randomUUID();
    SharedInfrastructure.kafka().positionGroupAtEnd(group, AegisKafkaBootstrap.CONTRACT_TOPICS);
    SharedInfrastructure.kafka().positionGroupAtEnd(group + ".dead-letters", List.of(Topics.DLQ));
    return List.of(
        "aegis.kafka.bootstrap-servers=" + SharedInfrastructure.kafka().bootstrapServers(),
        "aegis.database.url=" + database.appConnection().jdbcUrl(),
        "aegis.database.username=" + database.appConnection().username(),
        "aegis.database.migration-username=" + database.connection().username(),
        "spring.kafka.consumer.group-id=" + group,
        // A killed consumer never leaves its group: the broker drops it after the session
        // timeout, and until then its partitions are nobody's. Aegis's default is 10 s (Kafka's
        // 45 s); 6 s is the broker's minimum. The heartbeat stays at Aegis's 1 s.
        "spring.kafka.consumer.properties[session.timeout.ms]=6000",
        "aegis.kubernetes.mode=external",
        "aegis.kubernetes.master-url=" + cluster.masterUrl(),
        "aegis.kubernetes.experiment-resources=false",
        "aegis.kubernetes.relay-interval=100ms",
        // A command leased by a killed relay is retried after the lease (15 s by default): keep
        // it short, but longer than one command's retries (3 attempts, 100 ms then 200 ms).
        "aegis.kubernetes.lease=5s",
        "aegis.kubernetes.retry.attempts=3",
        "aegis.kubernetes.retry.initial-backoff=100ms",
        "aegis.kubernetes.retry.max-backoff=1s",
        "aegis.security.development=true",
        "aegis.api.auth=none",
        "aegis.simulator.enabled=false",
        "aegis.limits.rate.enabled=false",
        "logging.level.org.apache.kafka=WARN");
  }

  /**
   * Waits until the child answers its readiness probe (database, Kafka and the Kubernetes API all
   * reachable); returns how long that took since the start.
   *
   * @throws IllegalStateException if it exits or is not ready within {@code timeout}
   */
  Duration awaitReady(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest probe = null;
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "orchestrator exited with "
                + process.exitValue()
                + " before it was ready: "
                + failureCause()
                + "\n"
                + logEnd(40));
      }
      if (probe == null) {
        OptionalInt port = listeningPort();
        probe = port.isPresent() ? readiness(port.getAsInt()) : null;
      }
      try {
        if (probe != null
            && HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return Duration.ofNanos(System.nanoTime() - startedNanos);
        }
      } catch (IOException e) {
        // not answering yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting for the orchestrator", e);
      }
      sleep(50);
    }
    throw new IllegalStateException("orchestrator not ready within " + timeout + "; " + logEnd(40));
  }

  private static HttpRequest readiness(int port) {
    return HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + port + "/actuator/health/readiness"))
        .timeout(Duration.ofSeconds(2))
        .build();
  }

  /** The port this start's Tomcat listens on, once it has logged it. */
  private OptionalInt listeningPort() {
    Matcher listening = LISTENING.matcher(startLog());
    return listening.find()
        ? OptionalInt.of(Integer.parseInt(listening.group(1)))
        : OptionalInt.empty();
  }

  /**
   * Why the child stopped, in one line for the test report's summary: Spring Boot's failure
   * analysis ("Description:" and the line after it), else the last {@code Caused by}, else the last
   * ERROR line.
   */
  private String failureCause() {
    List<String> lines = startLog().lines().toList();
    for (int i = 0; i < lines.size() - 1; i++) {
      if (lines.get(i).trim().equals("Description:")) {
        return lines.subList(i + 1, Math.min(i + 4, lines.size())).stream()
            .map(String::trim)
            .filter(l -> !l.isEmpty())
            .collect(Collectors.joining(" "));
      }
    }
    for (String marker : List.of("Caused by:", " ERROR ")) {
      for (int i = lines.size() - 1; i >= 0; i--) {
        if (lines.get(i).contains(marker)) {
          return lines.get(i).trim();
        }
      }
    }
    return "no cause in its log";
  }

  /**
   * What this start wrote to the log: read from where it began, since the file is appended to
   * across restarts (a kill loop's grows to megabytes) and this is read every 50 ms until the port
   * shows.
   */
  private String startLog() {
    try (SeekableByteChannel log = Files.newByteChannel(logFile)) {
      log.position(logOffset);
      return new String(Channels.newInputStream(log).readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The last {@code lines} lines this start wrote to its log, and where that log is. */
  private String logEnd(int lines) {
    List<String> written = startLog().lines().toList();
    return "the end of its log ("
        + logFile
        + "):\n"
        + String.join("\n", written.subList(Math.max(0, written.size() - lines), written.size()));
  }

  /** Whether the child process still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** The child's exit status, or empty while it runs. */
  OptionalInt exitCode() {
    return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    waitGone();
  }

  /**
   * SIGTERM (a graceful stop), and waits until the process is gone; SIGKILL if it takes over 30 s.
   */
  void stop() {
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill();
    }
  }

  private void waitGone() {
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "orchestrator pid " + process.pid() + " survived SIGKILL for 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the orchestrator to die", e);
    }
  }

  long pid() {
    return process.pid();
  }

  /** The test JVM's classpath without directories of test classes. */
  public static String applicationClasspath() {
    return Arrays.stream(classpathEntries())
        // Test classes and test jars (a reactor build puts the modules' packaged -tests.jar here)
        // carry
        // logback-test.xml and test support the application must not see.
        .filter(
            entry ->
                !entry.endsWith("test-classes")
                    && !entry.endsWith("test-classes" + File.separator)
                    && !entry.endsWith("-tests.jar"))
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** This JVM's classpath, test classes included, for a child that runs test code. */
  public static String classpath() {
    return String.join(File.pathSeparator, classpathEntries());
  }

  /**
   * This JVM's classpath entries: {@code java.class.path}, or, under {@code mvn exec:java} (whose
   * own launcher is {@code java.class.path}), the project classpath the context loader was given.
   */
  private static String[] classpathEntries() {
    String[] entries = System.getProperty("java.class.path").split(File.pathSeparator);
    boolean project = Arrays.stream(entries).anyMatch(e -> e.contains("classes"));
    if (!project
        && Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
      return Arrays.stream(loader.getURLs())
          .map(
              url -> {
                try {
                  return Path.of(url.toURI()).toString();
                } catch (URISyntaxException e) {
                  throw new IllegalStateException(e);
                }
              })
          .toArray(String[]::new);
    }
    return entries;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
