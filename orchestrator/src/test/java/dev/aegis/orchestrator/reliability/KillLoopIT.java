package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.Random;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator as a separate JVM, SIGKILLed at random moments and restarted, again and again,
 * under a continuous stream of events ({@link EventStream}); then its history is audited ({@link
 * HistoryAudit}).
 *
 * <p>The test JVM hosts every server the orchestrator uses, so they outlive it as real ones would:
 * the shared KRaft broker, a PostgreSQL database of this test's own and a Kubernetes API server
 * ({@link ClusterApi}) that logs every write. Most kills come a random delay after the orchestrator
 * reports ready; one in five comes a random delay after its start, ready or not (during Flyway, the
 * consumers' first poll...). The delays come from a seeded {@link Random}; the seed is printed, and
 * {@code -Daegis.killloop.seed=<seed>} repeats a run's choices (the timing of a run is never
 * exactly repeatable).
 *
 * <p>{@code -Daegis.killloop.kills=<n>} sets the number of kills: 20 by default, 100 in the longer
 * run (docs/reliability.md).
 */
class KillLoopIT {

  static final int KILLS = Integer.getInteger("aegis.killloop.kills", 20);
  static final long SEED = Long.getLong("aegis.killloop.seed", System.nanoTime());
  private static final List<String> SERVICES = List.of("kl-cart", "kl-pay", "kl-search", "kl-ship");
  private static final Duration READY = Duration.ofMinutes(2);
  private static final Duration SETTLE = Duration.ofMinutes(3);
  private static final Path LOGS = Path.of("target", "killloop");

  @Test
  @DisplayName(
      "an orchestrator SIGKILLed and restarted again and again under load leaves legal histories, "
          + "nothing doubled and no event lost")
  void killedAgainAndAgainUnderLoad() throws IOException {
    System.out.printf(
        "kill loop: %d kills, seed %d (-Daegis.killloop.seed=%d repeats the choices)%n",
        KILLS, SEED, SEED);
    Random random = new Random(SEED);
    Files.createDirectories(LOGS);
    Path log = LOGS.resolve("orchestrator-" + SEED + ".log");
    long started = System.nanoTime();
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase();
        ClusterApi cluster = new ClusterApi()) {
      SERVICES.forEach(s -> CanaryEvents.deployStable(cluster.admin(), s));
      cluster.clearLog();
      List<String> properties =
          OrchestratorProcess.onSharedServers("aegis-killloop-", database, cluster);
      // Every kill costs a start: with the archive of the orchestrator's classes a start takes
      // about a third less, and the loop as many kills in less time.
      ClassDataArchive.Launch archived = ClassDataArchive.train(properties);
      Jdbi jdbi = database.jdbi();
      List<Long> readyMillis = new ArrayList<>();
      int duringStart = 0;

      try (EventStream stream = new EventStream(jdbi, SERVICES, random)) {
        stream.start();
        for (int kill = 1; kill <= KILLS; kill++) {
          OrchestratorProcess child = OrchestratorProcess.start(properties, log, archived);
          String when;
          if (random.nextInt(5) == 0) {
            long delay = 500 + random.nextInt(6000);
            OrchestratorProcess.sleep(delay);
            when = delay + " ms after start" + (child.isAlive() ? "" : " (it had exited)");
            duringStart++;
          } else {
            Duration ready = child.awaitReady(READY);
            readyMillis.add(ready.toMillis());
            long delay = random.nextInt(3000);
            OrchestratorProcess.sleep(delay);
            when = delay + " ms after ready (ready in " + ready.toMillis() + " ms)";
          }
          child.kill();
          System.out.printf(
              "kill %d/%d: pid %d, %s; %d events produced so far%n",
              kill, KILLS, child.pid(), when, stream.produced().size());
        }

        OrchestratorProcess last = OrchestratorProcess.start(properties, log, archived);
        try {
          readyMillis.add(last.awaitReady(READY).toMillis());
          stream.stopSubmitting();
          HistoryAudit audit = HistoryAudit.afterStream(jdbi, stream, cluster, SETTLE);
          for (String service : SERVICES) {
            String expected = lastPromotedImage(jdbi, service);
            String actual = CanaryEvents.stableImage(cluster.admin(), service);
            if (!expected.equals(actual)) {
              audit.violation(
                  service
                      + ": stable Deployment runs "
                      + actual
                      + ", the last promoted is "
                      + expected);
            }
          }
          report(audit, stream, cluster, readyMillis, duringStart, started);
          assertThat(stream.candidates())
              .as("experiments submitted")
              .hasSizeGreaterThan(SERVICES.size());
          assertThat(audit.violations()).as("violations (child log: %s)", log).isEmpty();
        } finally {
          last.stop();
        }
      }
    }
  }

  private static String lastPromotedImage(Jdbi jdbi, String service) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT candidate_image FROM experiments WHERE service = :service "
                        + "AND phase = 'PROMOTED' ORDER BY submitted_at DESC LIMIT 1")
                .bind("service", service)
                .mapTo(String.class)
                .findOne()
                .orElse(CanaryEvents.image(service, "v1")));
  }

  private static void report(
      HistoryAudit audit,
      EventStream stream,
      ClusterApi cluster,
      List<Long> readyMillis,
      int duringStart,
      long startedNanos) {
    Map<String, Long> counts = audit.counts();
    LongSummaryStatistics ready =
        readyMillis.stream().mapToLong(Long::longValue).summaryStatistics();
    Map<EventStream.Kind, Long> kinds = new EnumMap<>(EventStream.Kind.class);
    stream.produced().forEach(p -> kinds.merge(p.kind(), 1L, Long::sum));
    System.out.printf("kill loop results (seed %d)%n", SEED);
    System.out.printf(
        "  kills               %d (%d of them during start-up)%n", KILLS, duringStart);
    System.out.printf(
        "  start to ready      min %d ms, mean %.0f ms, max %d ms over %d starts%n",
        ready.getMin(), ready.getAverage(), ready.getMax(), ready.getCount());
    System.out.printf("  events produced     %d %s%n", counts.get("events produced"), kinds);
    System.out.printf(
        "  events processed    %d (processed-event markers)%n", counts.get("events processed"));
    System.out.printf("  dead-lettered       %d%n", counts.get("dead-lettered"));
    System.out.printf(
        "  experiments         %d (%d submitted by the stream)%n",
        counts.get("experiments"), stream.candidates().size());
    System.out.printf("  transitions         %d%n", counts.get("transitions"));
    System.out.printf(
        "  actuations          %d commands done, %d writes on the cluster%n",
        counts.get("actuations"), cluster.writes().size());
    System.out.printf("  violations          %d%n", audit.violations().size());
    audit.violations().stream().limit(30).forEach(v -> System.out.println("    " + v));
    System.out.printf(
        "  wall time           %d s%n",
        Duration.ofNanos(System.nanoTime() - startedNanos).toSeconds());
  }
}
