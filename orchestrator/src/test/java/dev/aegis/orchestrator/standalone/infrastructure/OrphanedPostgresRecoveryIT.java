package dev.aegis.orchestrator.standalone.infrastructure;

import static dev.aegis.orchestrator.standalone.infrastructure.EmbeddedPostgresServerIT.queryText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Aegis killed with SIGKILL leaves its PostgreSQL running (pg_ctl daemonises it); the next start
 * on the same data directory must take over, not fail and not lose data.
 */
class OrphanedPostgresRecoveryIT {

  @TempDir Path work;

  @Test
  void aServerOrphanedByAKilledJvmIsStoppedAndItsDataReused() throws Exception {
    Path dataDirectory = work.resolve("pgdata");
    Process owner = startOwnerJvm(dataDirectory, work.resolve("owner.log"));
    owner.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    long orphanPid = postmasterPid(dataDirectory);
    assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive)).contains(true);

    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(Optional.of(dataDirectory), 0, true)) {
      assertThat(queryText(server.connection("aegis"), "SELECT v FROM kept")).isEqualTo("before");
      assertThat(ProcessHandle.of(orphanPid).map(ProcessHandle::isAlive))
          .isNotEqualTo(Optional.of(true));
    }
  }

  private static Process startOwnerJvm(Path dataDirectory, Path log) throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Process process =
        new ProcessBuilder(
                java.toString(),
                "-cp",
                System.getProperty("java.class.path"),
                OrphanOwnerMain.class.getName(),
                dataDirectory.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    awaitLine(log, OrphanOwnerMain.READY, Duration.ofSeconds(90), process);
    return process;
  }

  private static void awaitLine(Path log, String line, Duration timeout, Process process)
      throws IOException, InterruptedException {
    try {
      await()
          .atMost(timeout)
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (Files.exists(log) && Files.readAllLines(log).contains(line)) {
                  return true;
                }
                if (!process.isAlive()) {
                  throw new AssertionError("owner JVM exited early:\n" + Files.readString(log));
                }
                return false;
              });
    } catch (ConditionTimeoutException e) {
      process.destroyForcibly();
      throw new AssertionError("owner JVM never became ready:\n" + Files.readString(log));
    }
  }

  private static long postmasterPid(Path dataDirectory) throws IOException {
    return Long.parseLong(
        Files.readAllLines(dataDirectory.resolve("postmaster.pid")).get(0).trim());
  }
}
