package dev.aegis.orchestrator.scenarios;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.reliability.OrchestratorProcess;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A first start as a new user makes it ({@code java -jar aegis.jar}, a home directory with no
 * {@code ~/.aegis}, nothing configured): the application's own logging configuration, no test's,
 * and the whole demo. The console shows fewer than 60 lines before the banner, and the banner
 * (dashboard URL, dev token) is the last thing on it: within five seconds nothing follows but the
 * demo experiments' own transitions and actuations.
 */
class StandaloneStartOutputIT {

  private static final int MOST_LINES_BEFORE_BANNER = 59;
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
  private static final Duration QUIET_AFTER_BANNER = Duration.ofSeconds(5);
  private static final String BANNER = "─── Aegis is ready";
  private static final String BANNER_END = "──────────";

  @TempDir Path home;

  @Test
  @DisplayName(
      "a first standalone start prints fewer than 60 lines before the banner besides the demo's"
          + " lifecycle, and nothing after it")
  void quietStartEndsWithTheBanner() throws Exception {
    List<String> out = new ArrayList<>();
    Process aegis = start(out);
    try {
      int banner = awaitBanner(aegis, out);
      int bannerEnd = bannerEnd(out, banner);
      // The banner is one log event: its first line is the logger's prefix, right above "─── Aegis
      // is ready".
      int before = banner - 1;
      awaitQuiet(out, bannerEnd + 1);
      List<String> lines = snapshot(out);
      // The demo's experiments move on their own right after the banner: their transitions and
      // actuations are the story the console tells, every other line is noise.
      List<String> after =
          lines.subList(bannerEnd + 1, lines.size()).stream()
              .filter(line -> !isDemoLifecycle(line))
              .toList();

      // The demo may already move before the banner (its first experiment can settle within
      // seconds): those lines are the story too, wherever they fall.
      long noiseBefore =
          lines.subList(0, before).stream().filter(line -> !isDemoLifecycle(line)).count();

      System.out.printf(
          "StandaloneStartOutputIT: %d lines before the banner (%d of them not the demo's"
              + " lifecycle), %d after it within %s%n",
          before, noiseBefore, after.size(), QUIET_AFTER_BANNER);
      assertThat(noiseBefore)
          .as("lines before the banner:%n%s", String.join("\n", lines.subList(0, before)))
          .isLessThanOrEqualTo(MOST_LINES_BEFORE_BANNER);
      assertThat(after).as("lines printed after the banner").isEmpty();
      assertThat(lines.get(before)).contains("StartupBanner");
      assertThat(String.join("\n", lines.subList(banner, bannerEnd + 1)))
          .contains("dashboard        http://127.0.0.1:")
          .contains("(dev token, made at start");
    } finally {
      stop(aegis);
    }
  }

  /** An INFO line telling a demo experiment's transition or actuation. */
  private static boolean isDemoLifecycle(String line) {
    return line.contains(" INFO ")
        && (line.contains("d.a.o.application.DecisionRecorder")
            || line.contains("d.a.o.actuation.KubernetesActuator"))
        && (line.contains("(payments)")
            || line.contains("(checkout)")
            || line.contains("service=demo/"));
  }

  /**
   * {@code java AegisApplication} on the application's classpath (no test classes, no
   * logback-test.xml).
   */
  private Process start(List<String> out) throws IOException {
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx512m",
            "-XX:TieredStopAtLevel=1",
            "-Duser.home=" + home,
            "-cp",
            OrchestratorProcess.applicationClasspath(),
            AegisApplication.class.getName(),
            "--server.port=" + freePort(),
            "--aegis.kafka.embedded.port=" + freePort());
    Process process =
        new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true).start();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                  synchronized (out) {
                    out.add(line);
                  }
                }
              } catch (IOException e) {
                // the process is gone
              }
            },
            "aegis-stdout");
    reader.setDaemon(true);
    reader.start();
    return process;
  }

  /** The index of the "Aegis is ready" line; fails at once if Aegis exits first. */
  private static int awaitBanner(Process aegis, List<String> out) {
    try {
      return await("the banner")
          .atMost(READY_TIMEOUT)
          .pollInterval(Duration.ofMillis(100))
          .until(() -> bannerIndex(aegis, out), index -> index >= 0);
    } catch (ConditionTimeoutException e) {
      throw new AssertionError("no banner within " + READY_TIMEOUT + ":\n" + tail(out), e);
    }
  }

  private static int bannerIndex(Process aegis, List<String> out) {
    List<String> lines = snapshot(out);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).startsWith(BANNER)) {
        return i;
      }
    }
    if (!aegis.isAlive()) {
      throw new AssertionError(
          "Aegis exited with " + aegis.exitValue() + " before its banner:\n" + tail(out));
    }
    return -1;
  }

  /**
   * Watches the output for {@link #QUIET_AFTER_BANNER}, returning early if a line beyond {@code
   * lines} appears; the caller's assertions then name it.
   */
  private static void awaitQuiet(List<String> out, int lines) {
    try {
      await("quiet after the banner")
          .during(QUIET_AFTER_BANNER)
          .atMost(QUIET_AFTER_BANNER.plusSeconds(2))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> snapshot(out).size() == lines);
    } catch (ConditionTimeoutException e) {
      // a line was printed after the banner: reported by the assertions that follow
    }
  }

  /** The index of the banner's closing rule. */
  private static int bannerEnd(List<String> out, int banner) {
    List<String> lines = snapshot(out);
    for (int i = banner + 1; i < lines.size(); i++) {
      if (lines.get(i).startsWith(BANNER_END)) {
        return i;
      }
    }
    throw new AssertionError("the banner has no closing line:\n" + tail(out));
  }

  private static List<String> snapshot(List<String> out) {
    synchronized (out) {
      return List.copyOf(out);
    }
  }

  private static String tail(List<String> out) {
    List<String> lines = snapshot(out);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }

  /** As Ctrl-C stops it (SIGTERM: the context closes, the embedded PostgreSQL stops). */
  private static void stop(Process aegis) throws InterruptedException {
    aegis.destroy();
    if (!aegis.waitFor(60, TimeUnit.SECONDS)) {
      aegis.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket()) {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
