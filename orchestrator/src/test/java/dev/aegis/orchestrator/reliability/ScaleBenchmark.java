package dev.aegis.orchestrator.reliability;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.Topics;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.Slo;
import dev.aegis.orchestrator.lifecycle.Candidate;
import dev.aegis.orchestrator.lifecycle.Experiment;
import dev.aegis.orchestrator.lifecycle.LifecycleCore;
import dev.aegis.orchestrator.lifecycle.LifecycleInput;
import dev.aegis.orchestrator.persistence.ExperimentRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.statemachine.LifecycleStateMachine;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jdbi.v3.core.Jdbi;

/**
 * Many concurrent experiments on one replica: seeds {@code scale.experiments} live experiments (one
 * per service, in CANARY at step 1) straight into the database, starts the orchestrator as its own
 * JVM with {@code scale.heap} of heap, and measures the start to ready, then publishes rounds of
 * one canary window per experiment ({@code scale.windows} rounds, default 1; each round one minute
 * of event time after the last, so a service's state grows as it would under steady traffic) and
 * measures how long they take to be processed and the heap in use after a full GC (by {@code jcmd})
 * at ready and after the first and the last round. Memory per experiment is the heap after a round
 * less the heap at ready, over the experiments. {@code -Dscale.histogram=<n>} also prints the
 * {@code n} classes whose live instances grew most from ready to the last round ({@code jcmd
 * GC.class_histogram}), per experiment: what a live experiment's memory is made of.
 *
 * <p>Run: {@code ./mvnw -q -pl orchestrator -am test-compile exec:java@scale
 * -Dscale.experiments=100000}.
 */
public final class ScaleBenchmark {

  private static final Path LOGS = Path.of("target", "scale");

  private ScaleBenchmark() {}

  public static void main(String[] args) throws Exception {
    try {
      run();
    } finally {
      // The shared Kafka and PostgreSQL servers run on non-daemon threads, which exec:java would
      // wait for.
      System.exit(0);
    }
  }

  private static void run() throws Exception {
    int experiments = Integer.getInteger("scale.experiments", 100_000);
    int rounds = Math.max(1, Integer.getInteger("scale.windows", 1));
    String heap = System.getProperty("scale.heap", "2g");
    int histogram = Integer.getInteger("scale.histogram", 0);
    // Experiments start before the first window and the last window ends before now: every window
    // counts in its step, none is ahead of the orchestrator's clock.
    Instant seededAt = Instant.now().minus(Duration.ofMinutes(rounds + 2L));
    Files.createDirectories(LOGS);
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase().migrate();
        ClusterApi cluster = new ClusterApi()) {
      Jdbi jdbi = database.jdbi();
      long seedStart = System.nanoTime();
      List<String> services = seed(jdbi, experiments, seededAt);
      long seedMillis = (System.nanoTime() - seedStart) / 1_000_000;

      List<String> properties = properties(database, cluster);
      Path log = LOGS.resolve("orchestrator-" + experiments + ".log");
      Files.deleteIfExists(log);
      OrchestratorProcess child = OrchestratorProcess.start(properties, log, "-Xmx" + heap);
      try {
        Duration ready = child.awaitReady(Duration.ofMinutes(10));
        long heapAtReady = heapAfterGc(child.pid());
        Map<String, long[]> classesAtReady = histogram > 0 ? classHistogram(child.pid()) : Map.of();

        long published = System.nanoTime();
        long heapAfterOne = -1;
        long heapAfter = -1;
        long processed = 0;
        for (int round = 0; round < rounds && child.isAlive(); round++) {
          publishWindows(services, seededAt.plus(Duration.ofMinutes(round + 1L)));
          long expected = (long) services.size() * (round + 1);
          processed = awaitProcessed(jdbi, expected, child, Duration.ofMinutes(20));
          if (processed < expected) {
            break; // stuck, or gone (a consumer that stops takes the replica down): report as is
          }
          if (round == 0) {
            heapAfterOne = heapAfterGc(child.pid());
          }
        }
        double seconds = (System.nanoTime() - published) / 1e9;
        if (rounds > 1 && child.isAlive()) {
          heapAfter = heapAfterGc(child.pid());
        }

        System.out.printf(
            "scale: %d live experiments on one replica (heap limit %s)%n", experiments, heap);
        System.out.printf("  seeded in          %d ms%n", seedMillis);
        System.out.printf("  start to ready     %d ms%n", ready.toMillis());
        System.out.printf("  heap after GC      %.1f MiB at ready%n", heapAtReady / 1048576.0);
        if (heapAfterOne >= 0) {
          System.out.printf(
              "  one window each    %.1f MiB, %.0f bytes per experiment%n",
              heapAfterOne / 1048576.0, (heapAfterOne - heapAtReady) / (double) experiments);
        }
        if (heapAfter >= 0) {
          System.out.printf(
              "  %d windows each    %.1f MiB, %.0f bytes per experiment (a minute apart)%n",
              rounds, heapAfter / 1048576.0, (heapAfter - heapAtReady) / (double) experiments);
        }
        System.out.printf(
            "  windows            %d processed in %.1f s (%.0f/s)%n",
            processed, seconds, processed / seconds);
        if (histogram > 0 && child.isAlive()) {
          printGrowth(classesAtReady, classHistogram(child.pid()), histogram, experiments);
        }
        System.out.printf(
            "  replica            %s%n",
            child.exitCode().isPresent()
                ? "exited with " + child.exitCode().getAsInt() + " (see " + log + ")"
                : "alive");
      } finally {
        child.stop();
      }
    }
  }

  /** Live experiments straight into the tables, 1 000 per transaction: the core's own states. */
  private static List<String> seed(Jdbi jdbi, int count, Instant now) {
    ExperimentRepository repository = new ExperimentRepository();
    LifecycleCore core = new LifecycleCore(LifecycleStateMachine.transitionTable());
    Policy policy =
        new Policy(
            List.of(
                new CanaryStep(10, Duration.ofHours(1)),
                new CanaryStep(50, Duration.ofHours(1)),
                new CanaryStep(100, Duration.ofHours(1))),
            new Slo(0.02, 3000),
            100,
            Duration.ofHours(6));
    List<String> services = new ArrayList<>(count);
    for (int from = 0; from < count; from += 1000) {
      int to = Math.min(count, from + 1000);
      int first = from;
      jdbi.useTransaction(
          h -> {
            Tx tx = Tx.of(h);
            for (int i = first; i < to; i++) {
              String service = "scale-" + i;
              repository.manage(tx, service, CanaryEvents.NAMESPACE, now);
              Experiment e =
                  Experiment.submitted(
                      UUID.randomUUID().toString(),
                      service,
                      CanaryEvents.NAMESPACE,
                      new Candidate("v2", CanaryEvents.image(service, "v2")),
                      policy,
                      "v1",
                      now);
              Experiment live = core.decide(e, new LifecycleInput.Submit(null), now).after();
              repository.insert(tx, live, "scale-benchmark", "bench", "replica-ratio", null, now);
            }
          });
      for (int i = from; i < to; i++) {
        services.add("scale-" + i);
      }
    }
    return services;
  }

  private static void publishWindows(List<String> services, Instant start) {
    Properties config = new Properties();
    config.put(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SharedInfrastructure.kafka().bootstrapServers());
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
      for (String service : services) {
        EncodedEvent w = CanaryEvents.window(service, "v2", start, true);
        ProducerRecord<String, byte[]> record =
            new ProducerRecord<>(Topics.HEALTH, w.key(), w.value());
        w.headers().forEach((k, v) -> record.headers().add(k, v));
        producer.send(record);
      }
      producer.flush();
    }
  }

  private static long awaitProcessed(
      Jdbi jdbi, long expected, OrchestratorProcess child, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    long done = 0;
    while (System.nanoTime() < deadline && child.isAlive()) {
      done =
          jdbi.withHandle(
              h ->
                  h.createQuery("SELECT count(*) FROM processed_events WHERE topic = :t")
                      .bind("t", Topics.HEALTH)
                      .mapTo(Long.class)
                      .one());
      if (done >= expected) {
        return done;
      }
      OrchestratorProcess.sleep(250);
    }
    return done;
  }

  /**
   * Heap in use after a full GC of {@code pid}, in bytes: the sum of the generations' "used" in
   * {@code jcmd GC.heap_info} (Serial GC: "def new generation total …K, used …K" and "tenured
   * generation …").
   */
  private static long heapAfterGc(long pid) throws IOException, InterruptedException {
    jcmd(pid, "GC.run");
    String info = jcmd(pid, "GC.heap_info");
    long used = 0;
    boolean found = false;
    for (String line : info.split("\n")) {
      int at = line.indexOf("used ");
      if (line.contains("generation") && line.contains("total") && at > 0) {
        used += Long.parseLong(line.substring(at + 5).split("[K ,]")[0]) * 1024;
        found = true;
      }
    }
    if (!found) {
      throw new IllegalStateException("no heap figure in: " + info);
    }
    return used;
  }

  /**
   * Live instances and bytes by class of {@code pid} ({@code jcmd GC.class_histogram}, which
   * collects first): class name to {instances, bytes}.
   */
  private static Map<String, long[]> classHistogram(long pid)
      throws IOException, InterruptedException {
    Map<String, long[]> classes = new HashMap<>();
    for (String line : jcmd(pid, "GC.class_histogram").split("\n")) {
      // "   1:        123456       7890123  java.lang.String (java.base@17.0.x)"
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":") && !f[0].equals("Total")) {
        classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    if (classes.isEmpty()) {
      throw new IllegalStateException("no class histogram from pid " + pid);
    }
    return classes;
  }

  private static void printGrowth(
      Map<String, long[]> before, Map<String, long[]> after, int top, int experiments) {
    record Growth(String type, long instances, long bytes) {}
    List<Growth> growth = new ArrayList<>();
    after.forEach(
        (type, a) -> {
          long[] b = before.getOrDefault(type, new long[2]);
          growth.add(new Growth(type, a[0] - b[0], a[1] - b[1]));
        });
    growth.sort(Comparator.comparingLong(Growth::bytes).reversed());
    long total = growth.stream().mapToLong(Growth::bytes).sum();
    System.out.printf(
        "  classes grown most since ready (of %.0f bytes per experiment in all):%n",
        total / (double) experiments);
    for (Growth g : growth.subList(0, Math.min(top, growth.size()))) {
      System.out.printf(
          "    %8.0f B %6.2f objects  %s%n",
          g.bytes() / (double) experiments, g.instances() / (double) experiments, g.type());
    }
  }

  private static String jcmd(long pid, String command) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid),
                command)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    return out;
  }

  /** An orchestrator on the shared servers, as the failover tests start it. */
  private static List<String> properties(TestDatabase database, ClusterApi cluster) {
    return OrchestratorProcess.onSharedServers("aegis-scale-", database, cluster);
  }
}
