package dev.aegis.orchestrator.reliability;

import dev.aegis.orchestrator.AegisApplication;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A standalone Aegis in a JVM of its own, as a user starts it: {@code java ... AegisApplication}
 * with a data directory, on ports chosen up front so the test knows them before it starts and
 * across restarts. Its output goes to one log file, appended to by every start.
 */
final class StandaloneProcess implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

  final Path dataDir;
  final Path log;
  final int kafkaPort;
  final int postgresPort;
  final int kubernetesPort;
  final int httpPort;
  private final List<String> extraArguments;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private Process process;

  StandaloneProcess(Path dataDir, List<String> extraArguments) throws IOException {
    this.dataDir = dataDir;
    this.log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    this.kafkaPort = freePort();
    this.postgresPort = freePort();
    this.kubernetesPort = freePort();
    this.httpPort = freePort();
    this.extraArguments = List.copyOf(extraArguments);
  }

  /** Starts the JVM and waits until its readiness probe answers 200; returns how long that took. */
  Duration startAndAwaitReady() throws IOException, InterruptedException {
    long started = System.nanoTime();
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                AegisApplication.class.getName(),
                "--aegis.data-dir=" + dataDir,
                "--aegis.kafka.embedded.port=" + kafkaPort,
                "--aegis.database.embedded.port=" + postgresPort,
                "--aegis.kubernetes.embedded-port=" + kubernetesPort,
                "--server.port=" + httpPort,
                "--aegis.api.auth=none"));
    command.addAll(extraArguments);
    Files.writeString(
        log,
        "=== start " + Instant.now() + "\n",
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
            .start();
    long deadline = started + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError(
            "Aegis exited with " + process.exitValue() + " before it was ready:\n" + tail());
      }
      if (readiness() == 200) {
        return Duration.ofNanos(System.nanoTime() - started);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("Aegis was not ready within " + READY_TIMEOUT + ":\n" + tail());
  }

  /** The readiness probe's status code, or -1 while nothing answers. */
  int readiness() {
    try {
      return http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + httpPort + "/actuator/health/readiness"))
                  .timeout(Duration.ofSeconds(5))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * POSTs a JSON body to the API (no token: the process runs with aegis.api.auth=none); returns the
   * status.
   */
  int post(String path, String json) throws IOException, InterruptedException {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + path))
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }

  /** Prints the log lines of the latest start that say how long each server took. */
  void printStartupLines(String prefix) throws IOException {
    List<String> lines = Files.readAllLines(log);
    int lastStart = 0;
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith("=== start")) {
        lastStart = i;
      }
    }
    lines.subList(lastStart, lines.size()).stream()
        .filter(
            l ->
                l.matches(
                    ".*(Embedded PostgreSQL started|Embedded Kafka \\(KRaft\\) started|orphaned"
                        + "|Kubernetes: |Started AegisApplication).*"))
        .forEach(l -> System.out.println(prefix + l));
  }

  /**
   * SIGKILL, as {@code kill -9} sends: no shutdown hook runs, the embedded PostgreSQL is orphaned.
   */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new AssertionError("Aegis did not die from SIGKILL");
    }
  }

  /** A superuser connection to the embedded PostgreSQL's application database. */
  Connection database() throws SQLException {
    return DriverManager.getConnection(
        "jdbc:postgresql://localhost:" + postgresPort + "/aegis", "postgres", null);
  }

  String bootstrapServers() {
    return "127.0.0.1:" + kafkaPort;
  }

  String kubernetesUrl() {
    return "http://127.0.0.1:" + kubernetesPort;
  }

  /** The last lines of the log, for failure messages. */
  String tail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /**
   * Stops the JVM as Ctrl-C would (SIGTERM: the context closes, PostgreSQL stops), or kills it
   * after 60 s.
   */
  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
      }
    }
    stopOrphanedPostgres();
  }

  /**
   * A PostgreSQL left by a killed JVM that was not started again would otherwise outlive the test.
   */
  private void stopOrphanedPostgres() throws InterruptedException {
    Path pidFile = dataDir.resolve("postgres").resolve("postmaster.pid");
    try {
      if (!Files.exists(pidFile)) {
        return;
      }
      long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
      Optional<ProcessHandle> postmaster =
          ProcessHandle.of(pid)
              .filter(ProcessHandle::isAlive)
              .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
      if (postmaster.isPresent()) {
        postmaster.get().destroy();
        postmaster.get().onExit().get(60, TimeUnit.SECONDS);
      }
    } catch (IOException | RuntimeException | ExecutionException | TimeoutException e) {
      System.err.println("StandaloneProcess: could not stop an orphaned PostgreSQL: " + e);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
      return socket.getLocalPort();
    }
  }
}
