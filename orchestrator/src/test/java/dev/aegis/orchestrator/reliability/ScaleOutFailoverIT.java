package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.Topics;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Three orchestrator JVMs share one Kafka consumer group and one database: each owns the input
 * partitions the cooperative-sticky assignor gives it. One is SIGKILLed mid-canary; the broker
 * drops it after the session timeout, its partitions move to the others, and its services carry on
 * there. The audit then finds every history legal, no transition or cluster write doubled and no
 * event lost, and the test prints how long the killed replica's partitions stood still.
 */
class ScaleOutFailoverIT {

  private static final List<String> SERVICES =
      List.of(
          "so-cart", "so-pay", "so-search", "so-ship", "so-mail", "so-auth", "so-feed", "so-chat");
  private static final Duration READY = Duration.ofMinutes(2);
  private static final Duration SETTLE = Duration.ofMinutes(3);

  /**
   * The orchestrator's own session timeout (application.yml): the failover printed is what a
   * deployment with the defaults sees. The other tests' replicas run with 6 s.
   */
  private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(10);

  private static final String SESSION_TIMEOUT_PROPERTY =
      "spring.kafka.consumer.properties[session.timeout.ms]";
  private static final Path LOGS = Path.of("target", "scale-out");
  private static final String CLIENT_PREFIX = "scaleout-replica-";
  private static final Pattern REPLICA = Pattern.compile(CLIENT_PREFIX + "(\\d+)(-\\d+)?");

  @Test
  @DisplayName(
      "three replicas share the partitions; one is killed mid-canary, its services carry on elsewhere, "
          + "nothing doubled and no event lost")
  void oneOfThreeReplicasIsKilledMidCanary() throws IOException {
    long seed = Long.getLong("aegis.scaleout.seed", System.nanoTime());
    Random random = new Random(seed);
    Files.createDirectories(LOGS);
    List<OrchestratorProcess> replicas = new ArrayList<>();
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase();
        ClusterApi cluster = new ClusterApi()) {
      SERVICES.forEach(s -> CanaryEvents.deployStable(cluster.admin(), s));
      cluster.clearLog();
      List<String> properties =
          new ArrayList<>(
              OrchestratorProcess.onSharedServers("aegis-scaleout-", database, cluster));
      assertThat(properties.removeIf(p -> p.startsWith(SESSION_TIMEOUT_PROPERTY + "=")))
          .as("the shared settings' session timeout, dropped for the orchestrator's own")
          .isTrue();
      Jdbi jdbi = database.jdbi();
      for (int i = 0; i < 3; i++) {
        // A client id per replica (its consumer threads add -0, -1...), to tell who owns what.
        List<String> own = new ArrayList<>(properties);
        own.add("spring.kafka.consumer.client-id=" + CLIENT_PREFIX + i);
        replicas.add(OrchestratorProcess.start(own, LOGS.resolve("replica-" + i + ".log")));
      }
      for (OrchestratorProcess replica : replicas) {
        replica.awaitReady(READY);
      }
      try (EventStream stream = new EventStream(jdbi, SERVICES, random)) {
        stream.start();
        HistoryAudit.awaitUntil(
            Duration.ofMinutes(1), () -> transitions(jdbi) >= 2L * SERVICES.size());
        OrchestratorProcess.sleep(3000);

        // The victim is a replica that owns a partition events arrive on: killing one that owns
        // none (three replicas' consumer threads outnumber the partitions) would measure nothing.
        Set<Integer> inUse = partitionsInUse(jdbi);
        Map<Integer, Set<Integer>> owned = healthPartitionsByReplica(group(properties));
        List<Integer> owners =
            owned.entrySet().stream()
                .filter(e -> e.getValue().stream().anyMatch(inUse::contains))
                .map(Map.Entry::getKey)
                .toList();
        assertThat(owners).as("replicas owning a health partition in use: %s", owned).isNotEmpty();
        int chosen = owners.get(random.nextInt(owners.size()));
        Set<Integer> victimPartitions = new TreeSet<>(owned.get(chosen));
        victimPartitions.retainAll(inUse);
        OrchestratorProcess victim = replicas.get(chosen);
        Instant killedAt = Instant.now();
        victim.kill();
        System.out.printf(
            "scale-out: killed replica %d (pid %d), owner of %s partitions %s, at %s%n",
            chosen, victim.pid(), Topics.HEALTH, victimPartitions, killedAt);

        OrchestratorProcess.sleep(20_000);
        stream.stopSubmitting();
        HistoryAudit audit = HistoryAudit.afterStream(jdbi, stream, cluster, SETTLE);

        Map<Integer, Duration> stood = standstill(jdbi, killedAt);
        Duration failover =
            victimPartitions.stream()
                .map(p -> stood.getOrDefault(p, Duration.ZERO))
                .max(Duration::compareTo)
                .orElseThrow();
        System.out.printf("scale-out results (seed %d, -Daegis.scaleout.seed repeats it)%n", seed);
        System.out.printf("  events produced     %d%n", stream.produced().size());
        System.out.printf("  transitions         %d%n", transitions(jdbi));
        System.out.printf("  cluster writes      %d%n", cluster.writes().size());
        stood.forEach(
            (partition, gap) ->
                System.out.printf(
                    "  %s-%d: first event processed %d ms after the kill%s%n",
                    Topics.HEALTH,
                    partition,
                    gap.toMillis(),
                    victimPartitions.contains(partition) ? " (the killed replica's)" : ""));
        System.out.printf(
            "  failover            %d ms (session timeout %d ms; Argo Rollouts' leader lease: 15 s)%n",
            failover.toMillis(), SESSION_TIMEOUT.toMillis());
        System.out.printf("  violations          %d%n", audit.violations().size());
        audit.violations().stream().limit(30).forEach(v -> System.out.println("    " + v));

        assertThat(stream.candidates()).as("experiments submitted").hasSizeGreaterThan(6);
        assertThat(audit.violations()).as("violations (logs in %s)", LOGS).isEmpty();
        assertThat(stood.keySet())
            .as("every health partition in use processed events again after the kill")
            .isEqualTo(partitionsInUse(jdbi));
        assertThat(partitionsInUse(jdbi))
            .as("the services spread over the partitions")
            .hasSizeGreaterThan(1);
      } finally {
        replicas.forEach(OrchestratorProcess::stop);
      }
    }
  }

  /** The health partitions each replica's consumer threads hold now, by replica index. */
  private static Map<Integer, Set<Integer>> healthPartitionsByReplica(String group) {
    Map<Integer, Set<Integer>> out = new TreeMap<>();
    SharedInfrastructure.kafka()
        .assignments(group, Topics.HEALTH)
        .forEach(
            (clientId, partitions) -> {
              Matcher m = REPLICA.matcher(clientId);
              if (m.matches()) {
                out.computeIfAbsent(Integer.parseInt(m.group(1)), k -> new TreeSet<>())
                    .addAll(partitions);
              }
            });
    return out;
  }

  /** The consumer group id among a child's {@code properties}. */
  private static String group(List<String> properties) {
    String prefix = "spring.kafka.consumer.group-id=";
    return properties.stream()
        .filter(p -> p.startsWith(prefix))
        .map(p -> p.substring(prefix.length()))
        .findFirst()
        .orElseThrow();
  }

  /**
   * For each partition of the health topic, how long after the kill its first event was processed:
   * the killed replica's partitions wait for the broker to drop it, the others run on.
   */
  private static Map<Integer, Duration> standstill(Jdbi jdbi, Instant killedAt) {
    Map<Integer, Duration> gaps = new TreeMap<>();
    jdbi.useHandle(
        h ->
            h.createQuery(
                    "SELECT partition, min(processed_at) AS first FROM processed_events"
                        + " WHERE topic = :topic AND processed_at > :killed GROUP BY partition")
                .bind("topic", Topics.HEALTH)
                .bind("killed", Timestamp.from(killedAt))
                .map(
                    (rs, ctx) ->
                        Map.entry(
                            rs.getInt("partition"),
                            Duration.between(killedAt, rs.getTimestamp("first").toInstant())))
                .forEach(e -> gaps.put(e.getKey(), e.getValue())));
    return gaps;
  }

  private static Set<Integer> partitionsInUse(Jdbi jdbi) {
    List<Integer> partitions =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT DISTINCT partition FROM processed_events WHERE topic = :topic")
                    .bind("topic", Topics.HEALTH)
                    .mapTo(Integer.class)
                    .list());
    return new TreeSet<Integer>(partitions);
  }

  private static long transitions(Jdbi jdbi) {
    return jdbi.withHandle(
        h -> {
          try {
            return h.createQuery("SELECT count(*) FROM transitions").mapTo(Long.class).one();
          } catch (RuntimeException e) {
            return 0L; // not migrated yet
          }
        });
  }
}
