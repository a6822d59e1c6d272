package dev.aegis.orchestrator.bench;

import dev.aegis.events.Topics;
import dev.aegis.events.data.Candidate;
import dev.aegis.events.data.ExperimentSubmitted;
import dev.aegis.events.data.PolicySpec;
import dev.aegis.events.data.SloSpec;
import dev.aegis.events.data.StepSpec;
import dev.aegis.orchestrator.AegisApplication;
import dev.aegis.orchestrator.application.ExperimentService;
import dev.aegis.orchestrator.application.SubmitOutcome;
import dev.aegis.orchestrator.config.AegisProperties;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.listener.MessageListenerContainer;

/**
 * The orchestrator in this JVM: in the harness's with {@code -Dbench.pipeline=inline}, or in a JVM
 * of its own, where {@link #main} drives it for a {@link PipelineProcess}.
 */
final class LocalPipeline implements Pipeline {

  /** The prefix of the child's answers on its standard output. */
  static final String ANSWER = "@@pipeline ";

  /** Steps far longer than the run: every event is judged, none ends a step. */
  private static final PolicySpec LONG_STEPS =
      steps(Duration.ofHours(24), Duration.ofHours(48), Duration.ofDays(7));

  /** Short steps, so that the probes' experiments pass during a round. */
  private static final PolicySpec SHORT_STEPS =
      steps(Duration.ofSeconds(15), Duration.ofSeconds(15), Duration.ofSeconds(15));

  private final ConfigurableApplicationContext app;

  /** The last {@link #run}'s. */
  private Run last;

  /** What the live consumer threads had allocated when the last {@link #run} began. */
  private long allocatedBefore;

  /** The bench's policy: steps of 10, 50 and 100% lasting as long as given, under one SLO. */
  private static PolicySpec steps(Duration at10, Duration at50, Duration at100) {
    return new PolicySpec(
        List.of(new StepSpec(10, at10), new StepSpec(50, at50), new StepSpec(100, at100)),
        new SloSpec(0.02, 3000.0),
        100L,
        Duration.ofDays(1));
  }

  private LocalPipeline(ConfigurableApplicationContext app) {
    this.app = app;
  }

  /** Starts the orchestrator with {@code properties}. */
  static LocalPipeline start(Map<String, String> properties) {
    return start(arguments(properties).toArray(String[]::new));
  }

  /**
   * {@code properties} as the orchestrator's command-line arguments ({@code --name=value}), which
   * take precedence over application.yml's environment placeholders.
   */
  static List<String> arguments(Map<String, String> properties) {
    return properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toList();
  }

  private static LocalPipeline start(String[] arguments) {
    return new LocalPipeline(new SpringApplicationBuilder(AegisApplication.class).run(arguments));
  }

  @Override
  public int batch() {
    return app.getBean(AegisProperties.class).processing().maxPollRecords();
  }

  @Override
  public int consumerThreads() {
    return app.getBean(AegisProperties.class).processing().concurrency();
  }

  @Override
  public KubernetesClient cluster() {
    return app.getBean(KubernetesClient.class);
  }

  @Override
  public void submitExperiments(int count) {
    for (int i = 0; i < count; i++) {
      submit(
          PipelineBenchmark.service(i),
          new Candidate("2.0." + i, "registry.local/" + PipelineBenchmark.service(i) + ":2.0." + i),
          LONG_STEPS);
    }
  }

  @Override
  public void submitProbes(int count, int round) {
    for (int p = 0; p < count; p++) {
      String probe = PipelineBenchmark.probe(p);
      submit(
          probe,
          new Candidate("3.0." + round, "registry.local/" + probe + ":3.0." + round),
          SHORT_STEPS);
    }
  }

  private void submit(String service, Candidate candidate, PolicySpec policy) {
    SubmitOutcome outcome =
        app.getBean(ExperimentService.class)
            .submit(
                new ExperimentSubmitted(service, "bench", candidate, policy),
                ExperimentService.Origin.rest("bench"),
                null);
    if (!(outcome instanceof SubmitOutcome.Accepted)) {
      throw new IllegalStateException("submission for " + service + " refused: " + outcome);
    }
  }

  private MessageListenerContainer ingest() {
    return app.getBean("ingestContainer", MessageListenerContainer.class);
  }

  @Override
  public void holdIngest(boolean leaveGroup) {
    MessageListenerContainer ingest = ingest();
    if (leaveGroup || !ingest.isRunning()) {
      ingest.stop();
      return;
    }
    ingest.pause();
    long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
    while (!ingest.isContainerPaused()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the ingest consumers did not pause within a minute");
      }
      PipelineBenchmark.sleepQuietly(5);
    }
  }

  @Override
  public double run(long total, int round) {
    last = measure(total, round);
    return last.perSecond();
  }

  @Override
  public String lastRun() {
    return last.detail() + "; " + partitionsDone(last.startedAt());
  }

  /**
   * Events per second, what the run saw on the way (in one line, without what {@link
   * #partitionsDone} adds), and when it began.
   */
  record Run(double perSecond, String detail, Instant startedAt) {}

  /**
   * Events per second through the orchestrator, from resuming (or starting) its consumers to the
   * last event processed.
   */
  private Run measure(long total, int round) {
    MeterRegistry registry = app.getBean(MeterRegistry.class);
    ProcessedHealth processed = new ProcessedHealth(registry);
    double before = processed.count();
    double conflictsBefore = conflicts(registry);
    MessageListenerContainer ingest = ingest();
    allocatedBefore = ProcessCpu.allocatedBytes(ProcessCpu.CONSUMERS);
    Instant startedAt = Instant.now();
    long started = System.nanoTime();
    if (ingest.isRunning()) {
      ingest.resume();
    } else {
      ingest.start();
    }
    long deadline = started + Duration.ofMinutes(10).toNanos();
    long firstCommit = 0;
    long halfway = 0;
    double done;
    while ((done = processed.count() - before) < total) {
      if (firstCommit == 0 && done > 0) {
        firstCommit = System.nanoTime();
      }
      if (halfway == 0 && done >= total / 2.0) {
        halfway = System.nanoTime();
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "pipeline processed only " + done + " of " + total + " events in 10 minutes");
      }
      Thread.onSpinWait();
      PipelineBenchmark.sleepQuietly(2);
    }
    long finished = System.nanoTime();
    return new Run(
        total / ((finished - started) / 1e9),
        String.format(
            Locale.ROOT,
            "       pipeline round %d: first batch committed after %d ms, half the events after %d"
                + " ms, all after %d ms; health partitions per consumer thread: %s; batches"
                + " run again after a concurrent write: %.0f",
            round,
            (firstCommit - started) / 1_000_000,
            ((halfway == 0 ? finished : halfway) - started) / 1_000_000,
            (finished - started) / 1_000_000,
            healthPartitions(ingest),
            conflicts(registry) - conflictsBefore),
        startedAt);
  }

  /**
   * Each health partition's events and batches since {@code startedAt}: when its last batch began,
   * and its longest gap between two batches' starts and when that gap began, e.g. {@code events by
   * partition: 0: 33 950 in 17 batches, last at 5 012 ms, longest gap 812 ms from 2 204 ms, …}. A
   * round that ends long after half its events waited for one partition's consumer thread; the gap
   * says whether that thread stalled once or ran slowly throughout.
   */
  private String partitionsDone(Instant startedAt) {
    return app.getBean(Jdbi.class)
        .withHandle(
            h ->
                h.createQuery(
                        "WITH b AS (SELECT partition, processed_at AS at, count(*) AS n"
                            + " FROM processed_events WHERE topic = :topic"
                            + " AND processed_at >= :startedAt GROUP BY partition, processed_at),"
                            + " g AS (SELECT partition, at, n, round(1000 * extract(epoch FROM"
                            + " at - lag(at) OVER (PARTITION BY partition ORDER BY at))) AS gap"
                            + " FROM b), p AS (SELECT partition, sum(n) AS n, count(*) AS batches,"
                            + " round(1000 * extract(epoch FROM max(at) - :startedAt)) AS last_ms,"
                            + " (array_agg(gap ORDER BY gap DESC NULLS LAST))[1] AS gap,"
                            + " (array_agg(round(1000 * extract(epoch FROM at - :startedAt)) - gap"
                            + " ORDER BY gap DESC NULLS LAST))[1] AS gap_from FROM g"
                            + " GROUP BY partition)"
                            + " SELECT 'events by partition: ' || string_agg(partition || ': ' || n"
                            + " || ' in ' || batches || ' batches, last at ' || last_ms"
                            + " || ' ms, longest gap ' || coalesce(gap, 0) || ' ms from '"
                            + " || coalesce(gap_from, 0) || ' ms', '; ' ORDER BY partition) FROM p")
                    .bind("startedAt", OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC))
                    .bind("topic", Topics.HEALTH)
                    .mapTo(String.class)
                    .one());
  }

  /** Batches run again because another writer changed an experiment they had read, so far. */
  private static double conflicts(MeterRegistry registry) {
    return registry.find("aegis.batch.conflicts").counters().stream()
        .mapToDouble(Counter::count)
        .sum();
  }

  /**
   * The health partitions each of the ingest container's consumers holds, e.g. {@code [1, 1, 1]}.
   */
  private static List<Integer> healthPartitions(MessageListenerContainer ingest) {
    var byClient = ingest.getAssignmentsByClientId();
    if (byClient == null) {
      return List.of();
    }
    return byClient.values().stream()
        .map(tps -> (int) tps.stream().filter(tp -> tp.topic().equals(Topics.HEALTH)).count())
        .sorted()
        .toList();
  }

  @Override
  public long consumerAllocatedBytes() {
    return ProcessCpu.allocatedBytes(ProcessCpu.CONSUMERS) - allocatedBefore;
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public void close() {
    app.close();
  }

  /**
   * The health events the pipeline has processed, as its {@code aegis_events_processed_total}
   * counters (one per outcome) count them. The harness reads it every 2 ms while the pipeline runs;
   * searching the registry each time walked every meter (one per service and more at 10 000
   * experiments) on the harness's thread, which shares the 2 cores and the CPU per event with the
   * pipeline (4–6 µs per event at 10 000 experiments even when done only every 50 ms). So the
   * counters found are read until their sum has not moved for 50 ms, and only then looked up again:
   * a counter first created meanwhile (a new outcome) joins then.
   */
  private static final class ProcessedHealth {
    private static final long STALL_NANOS = Duration.ofMillis(50).toNanos();
    private final MeterRegistry metrics;
    private Collection<Counter> counters = List.of();
    private double last = -1;
    private long movedAt;
    private long lookedUpAt;

    ProcessedHealth(MeterRegistry metrics) {
      this.metrics = metrics;
      lookUp();
    }

    double count() {
      double sum = sum();
      long now = System.nanoTime();
      if (sum != last) {
        last = sum;
        movedAt = now;
      } else if (now - movedAt > STALL_NANOS && now - lookedUpAt > STALL_NANOS) {
        lookUp();
        sum = sum();
      }
      return sum;
    }

    private double sum() {
      double sum = 0;
      for (Counter c : counters) {
        sum += c.count();
      }
      return sum;
    }

    private void lookUp() {
      counters = metrics.find("aegis.events.processed").tag("topic", Topics.HEALTH).counters();
      lookedUpAt = System.nanoTime();
    }
  }

  /**
   * The orchestrator as a process of its own. Arguments: its own ({@link #arguments}). It answers
   * {@code ok <batch> <consumer threads>} once started, then one line per command on standard
   * input, each starting with {@link #ANSWER} ({@code ok <text>} or {@code error <reason>}):
   *
   * <ul>
   *   <li>{@code experiments <count>}: {@link #submitExperiments};
   *   <li>{@code probes <count> <round>}: {@link #submitProbes};
   *   <li>{@code hold <leave group>}: {@link #holdIngest};
   *   <li>{@code run <total> <round>}: {@link #run}, answered {@code ok <events/s>};
   *   <li>{@code last}: {@link #lastRun};
   *   <li>{@code allocated}: {@link #consumerAllocatedBytes}.
   * </ul>
   *
   * It stops the orchestrator and exits at the end of its input.
   */
  public static void main(String[] args) throws IOException {
    try (LocalPipeline pipeline = start(args)) {
      ChildJvm.serve(
          ANSWER,
          pipeline.batch() + " " + pipeline.consumerThreads(),
          command -> pipeline.handle(command));
    }
    System.exit(0);
  }

  private String handle(String[] command) {
    switch (command[0]) {
      case "experiments" -> submitExperiments(Integer.parseInt(command[1]));
      case "probes" -> submitProbes(Integer.parseInt(command[1]), Integer.parseInt(command[2]));
      case "hold" -> holdIngest(Boolean.parseBoolean(command[1]));
      case "run" -> {
        return String.format(
            Locale.ROOT, "%.3f", run(Long.parseLong(command[1]), Integer.parseInt(command[2])));
      }
      case "last" -> {
        return lastRun();
      }
      case "allocated" -> {
        return String.valueOf(consumerAllocatedBytes());
      }
      default -> throw new IllegalArgumentException("unknown command " + command[0]);
    }
    return "0";
  }
}
