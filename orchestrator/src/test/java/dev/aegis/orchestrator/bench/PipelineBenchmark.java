package dev.aegis.orchestrator.bench;

import dev.aegis.events.EncodedEvent;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Events;
import dev.aegis.events.Topics;
import dev.aegis.events.data.HealthReported;
import dev.aegis.events.data.Latency;
import dev.aegis.events.data.Track;
import dev.aegis.operators.testing.ClusterFixtures;
import dev.aegis.orchestrator.standalone.infrastructure.AegisKafkaBootstrap;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseSettings;
import dev.aegis.orchestrator.standalone.infrastructure.KafkaSettings;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.SharedKafka;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jdbi.v3.core.Jdbi;

/**
 * Throughput of the health-event hot path, end to end, next to references measured in the same run
 * on the same in-process broker and PostgreSQL server:
 *
 * <ul>
 *   <li><b>raw Kafka</b>: a plain consumer reading the same records from the same topic, doing
 *       nothing;
 *   <li><b>raw Kafka + decode</b>: the same, plus the codec (CloudEvents headers, schema
 *       validation);
 *   <li><b>raw PostgreSQL</b>: the rows the pipeline writes per event (one processed marker, one
 *       window, one step sample) inserted into plain copies of those tables the fastest way the
 *       pipeline uses, one multi-row statement per table and one transaction per batch of the same
 *       size;
 *   <li><b>floor</b>: as many consumers as the pipeline has consumer threads, each with its share
 *       of the partitions, decoding every record with the codec and writing those rows from the
 *       decoded events, one transaction per poll: what any pipeline must do for an event, without
 *       the lifecycle (no experiment read, locked, judged or written). {@code floor vs pg xN} is
 *       the highest ratio to the writes alone a pipeline writing these rows could reach on this
 *       machine;
 *   <li><b>pipeline</b>: the orchestrator itself (batch ingestion, decode, dedup, step evaluation,
 *       one transaction per batch), from the moment its consumer starts until every event is
 *       processed.
 * </ul>
 *
 * <p>The references run in a JVM of their own ({@link ReferenceWorkloads}, {@code
 * -Dbench.references=inline} puts them back in this one), so that they do not share the JIT's type
 * profiles with the pipeline. So does the orchestrator ({@link PipelineProcess}, with the heap the
 * chart's default Pod gives it; {@code -Dbench.pipeline=inline} puts it back in this one), as a
 * replica runs: this JVM keeps the Kafka broker and hosts the Kubernetes API the orchestrator acts
 * on, so the orchestrator's one C2 compiler thread (two cores) compiles only the orchestrator's
 * code. CPU per event counts the three JVMs and the server. The last column, {@code consumers}, is
 * the CPU per event of the pipeline's consumer threads alone: the lifecycle's own work (decode,
 * judge, write), without the JIT and the garbage collector, whose cost varies from round to round.
 *
 * <p>Run: {@code ./mvnw -q -pl orchestrator -am test-compile exec:java@bench -Dbench.events=100000
 * -Dbench.experiments=100 -Dbench.rounds=3}. Each round publishes a fresh set of events; the first
 * {@code bench.warmup} rounds (1 by default) warm up the JIT and are not reported. The JIT's own
 * threads still use a fifth of the machine in the first measured rounds after one warm-up round
 * (JFR), so steady-state figures want {@code -Dbench.warmup=3}.
 *
 * <p>Actuation under load: each round also submits {@code bench.probes} experiments with short
 * steps whose windows are spread through the round's events, so that their steps pass while the
 * pipeline runs at full speed. For every traffic shift they cause, the harness reports the time
 * from the decision (the start of the batch whose commit confirmed the step) to the Kubernetes
 * patch (the command's outbox row marked done by the relay): p50, p99 and max.
 */
public final class PipelineBenchmark {

  private static final EventCodec CODEC = new EventCodec();

  /**
   * With {@code -Dbench.baseline=true} every other window of an experiment is a baseline window
   * (the stable version) over the same second as the canary window before it, as a monitor that
   * reports both tracks sends them: an experiment then holds up to 120 samples instead of 60.
   * Canary windows only by default, the workload of every earlier table in docs/benchmarks.md.
   */
  private static final boolean BASELINE = Boolean.getBoolean("bench.baseline");

  /**
   * With {@code -Dbench.references=inline} the references run in this JVM, beside the pipeline, as
   * they did before 2026-12-06; in a JVM of their own by default ({@link ReferenceWorkloads}).
   */
  private static final boolean INLINE = "inline".equals(System.getProperty("bench.references"));

  /**
   * With {@code -Dbench.pipeline=inline} the orchestrator runs in this JVM, beside the Kafka broker
   * and the Kubernetes API, as it did before 2026-12-07; in a JVM of its own by default ({@link
   * PipelineProcess}), as a replica runs.
   */
  private static final boolean PIPELINE_INLINE =
      "inline".equals(System.getProperty("bench.pipeline"));

  /**
   * With {@code -Dbench.ingest=restart} the pipeline's consumers are stopped between rounds and
   * started for the next, as before 2026-12-07 (night): each round then began with its consumers
   * joining the group again, which a running replica does not do, and the references (which {@code
   * assign} their partitions) never do. Paused between rounds by default, staying members.
   */
  private static final boolean RESTART_INGEST =
      "restart".equals(System.getProperty("bench.ingest"));

  /** The machine's CPUs, counted before {@link CoreSplit} pins this JVM to some of them. */
  private static final int CPUS = Runtime.getRuntime().availableProcessors();

  /**
   * With {@code -Dbench.cores=split} PostgreSQL runs on one half of the CPUs and the JVMs on the
   * other ({@link CoreSplit}), as on hosts of their own; all share every CPU by default.
   */
  private static final boolean SPLIT_CORES = "split".equals(System.getProperty("bench.cores"));

  /** Windows each probe experiment reports per round: 2 s each, three 15 s steps. */
  private static final int PROBE_WINDOWS = 30;

  private final int events;
  private final int experiments;
  private final int probes;

  /**
   * Rounds run, warm-up and measured: how far back in event time the first window starts (each
   * round moves every experiment's windows on).
   */
  private final int rounds;

  /**
   * Rounds of the pipeline alone before the warm-up rounds ({@code -Dbench.soak}, 0 by default):
   * each publishes a round of events and times the pipeline through them, without the references,
   * so that the pipeline's JIT sees more of its load for less time (see {@link #soakRound}).
   */
  private final int soak;

  private final List<Double> actuationMillis = new ArrayList<>();
  private int round;
  private final SharedKafka kafka = SharedInfrastructure.kafka();
  private final TestDatabase database = SharedInfrastructure.postgres().createDatabase();
  private final Jdbi jdbi = database.jdbi();
  private References references;
  private ProcessCpu cpu;
  private final Statements statements =
      Statements.of(SharedInfrastructure.postgres(), database.name());
  private Pipeline pipeline;
  private String cores = "every process on every CPU";
  private Instant nextWindow;

  private PipelineBenchmark(int events, int experiments, int probes, int rounds, int soak) {
    this.events = events;
    this.soak = soak;
    this.rounds = rounds;
    this.experiments = experiments;
    this.probes = probes;
  }

  public static void main(String[] args) throws Exception {
    int events = Integer.getInteger("bench.events", 100_000);
    int experiments = Integer.getInteger("bench.experiments", 100);
    int rounds = Integer.getInteger("bench.rounds", 3);
    int warmup = Math.max(1, Integer.getInteger("bench.warmup", 1));
    int soak = Integer.getInteger("bench.soak", 0);
    int probes = Integer.getInteger("bench.probes", 20);
    var bench = new PipelineBenchmark(events, experiments, probes, soak + warmup + rounds, soak);
    int status = 0;
    try {
      bench.start();
      System.out.printf(
          Locale.ROOT,
          "%nAegis pipeline benchmark: %d health events per round for %d running experiments, "
              + "batches of %d, %s, pipeline %s, references %s writing %s rows, %d cores (%s),"
              + " %s%n",
          events,
          experiments,
          bench.batch(),
          BASELINE ? "canary and baseline windows" : "canary windows",
          PIPELINE_INLINE
              ? "in the harness's JVM"
              : "in a JVM of its own (-Xmx" + PipelineProcess.HEAP + ")",
          INLINE ? "in the harness's JVM" : "in a JVM of their own",
          ReferenceWorkloads.ROWS,
          CPUS,
          bench.cores,
          System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
      int threads = bench.consumerThreads();
      System.out.printf(
          Locale.ROOT,
          HEADER,
          "round",
          "raw kafka/s",
          "kafka+decode/s",
          "raw pg/s",
          "raw pg x" + threads + "/s",
          "floor x" + threads + "/s",
          "pipeline/s",
          "vs kafka",
          "vs pg",
          "vs pg x" + threads,
          "floor vs pg x" + threads,
          "vs floor",
          "cpu µs/event pg x" + threads,
          "cpu µs/event floor",
          "cpu µs/event pipeline",
          "consumers");
      System.out.printf(
          Locale.ROOT,
          HEADER,
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "",
          "(jvms + postgres)",
          "(jvms + postgres)",
          "(jvms + postgres)",
          "µs/event");
      for (int s = 0; s < soak; s++) {
        bench.soakRound();
      }
      List<Round> measured = new ArrayList<>();
      for (int r = 1 - warmup; r <= rounds; r++) {
        Round round = bench.round();
        if (r > 0) {
          measured.add(round);
        }
        print(r <= 0 ? "warmup" : String.valueOf(r), round);
      }
      bench.printActuation();
      print("median", Round.median(measured));
      bench.checkEndState(soak + warmup + rounds);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      status = 1;
    } finally {
      bench.stop();
    }
    System.exit(status);
  }

  private static final String HEADER =
      "%-6s %14s %14s %14s %14s %14s %14s %10s %10s %10s %15s %10s %21s %21s %21s %10s%n";

  /** One line of the results: {@code label}'s events per second, ratios and CPU per event. */
  private static void print(String label, Round round) {
    System.out.printf(
        Locale.ROOT,
        "%-6s %14.0f %14.0f %14.0f %14.0f %14.0f %14.0f %10.3f %10.3f %10.3f %15.3f %10.3f %21s %21s"
            + " %21s %10.1f%n",
        label,
        round.rawKafka,
        round.decode,
        round.rawPostgres,
        round.rawPostgresParallel,
        round.floor,
        round.pipeline,
        round.pipeline / round.rawKafka,
        round.pipeline / round.rawPostgres,
        round.pipeline / round.rawPostgresParallel,
        round.floor / round.rawPostgresParallel,
        round.pipeline / round.floor,
        cpu(round.rawPostgresParallelCpu),
        cpu(round.floorCpu),
        cpu(round.pipelineCpu),
        round.consumerMicros);
  }

  /** CPU microseconds per event as {@code jvm + postgres}. */
  private static String cpu(ProcessCpu.PerEvent perEvent) {
    return String.format(
        Locale.ROOT, "%.0f + %.0f", perEvent.jvmMicros(), perEvent.postgresMicros());
  }

  private void start() throws IOException {
    String group = "aegis-bench-" + UUID.randomUUID();
    kafka.positionGroupAtEnd(group, AegisKafkaBootstrap.CONTRACT_TOPICS);
    Map<String, String> props = new LinkedHashMap<>();
    props.put(KafkaSettings.BOOTSTRAP_SERVERS, kafka.bootstrapServers());
    props.put("spring.kafka.consumer.group-id", group);
    props.put(DatabaseSettings.URL, database.connection().jdbcUrl());
    props.put(DatabaseSettings.USERNAME, database.connection().username());
    props.put("server.port", "0");
    props.put("aegis.simulator.enabled", "false");
    props.put("aegis.data-dir", "ephemeral");
    props.put("aegis.security.development", "true");
    props.put("logging.level.root", "WARN");
    props.put("logging.level.dev.aegis", "WARN");
    if (PIPELINE_INLINE) {
      pipeline = LocalPipeline.start(props);
    } else {
      Path log = Files.createTempFile("aegis-bench-pipeline", ".log");
      System.out.println(
          "the pipeline's JVM (" + String.join(" ", PipelineProcess.flags()) + ") logs to " + log);
      pipeline = PipelineProcess.start(props, log);
    }
    var cluster = pipeline.cluster();
    long submitting = System.nanoTime();
    for (int i = 0; i < experiments; i++) {
      cluster
          .resource(
              ClusterFixtures.stableDeployment(
                  "bench", service(i), "registry.local/" + service(i) + ":1.0", 4))
          .create();
    }
    pipeline.submitExperiments(experiments);
    for (int p = 0; p < probes; p++) {
      cluster
          .resource(
              ClusterFixtures.stableDeployment(
                  "bench", probe(p), "registry.local/" + probe(p) + ":1.0", 4))
          .create();
    }
    System.out.printf(
        Locale.ROOT,
        "setup: %d stable Deployments created and %d experiments submitted in %d s%n",
        experiments + probes,
        experiments,
        Duration.ofNanos(System.nanoTime() - submitting).toSeconds());
    awaitSetupActuation();
    // Every round's windows must end before the orchestrator's clock (plus its allowed skew), or
    // they are refused as from the future: start far enough back for the warm-up and every round.
    long windowsPerService = (long) events * (rounds + 1) / experiments + 60;
    nextWindow = Instant.now().minusSeconds(windowsPerService).truncatedTo(ChronoUnit.SECONDS);
    for (String tables :
        List.of(
            ReferenceWorkloads.ONE_WRITER, ReferenceWorkloads.WRITERS, ReferenceWorkloads.FLOOR)) {
      jdbi.useHandle(
          h ->
              h.execute(
                  String.format(
                      "CREATE TABLE %1$sprocessed (LIKE processed_events INCLUDING ALL); "
                          + "CREATE TABLE %1$swindows (LIKE health_windows INCLUDING ALL); "
                          + "CREATE TABLE %1$ssamples (LIKE step_samples INCLUDING ALL)",
                      tables)));
    }
    references =
        INLINE
            ? new ReferenceWorkloads(
                kafka.bootstrapServers(),
                database.connection().jdbcUrl(),
                database.connection().username(),
                batch())
            : ReferenceProcess.start(
                kafka.bootstrapServers(),
                database.connection().jdbcUrl(),
                database.connection().username(),
                batch());
    cpu =
        ProcessCpu.of(
            SharedInfrastructure.postgres().dataDirectory(), references.pid(), pipeline.pid());
    if (SPLIT_CORES) {
      cores =
          CoreSplit.apply(
              cpu.postmaster(),
              List.of(ProcessHandle.current().pid(), references.pid(), pipeline.pid()));
    }
  }

  static String service(int i) {
    return "bench-svc-" + i;
  }

  static String probe(int p) {
    return "bench-probe-" + p;
  }

  /**
   * Waits (up to 30 minutes) until the first traffic shift of every submitted experiment is
   * applied, so that the probes' shifts in the rounds do not queue behind the setup's.
   */
  private void awaitSetupActuation() {
    long started = System.nanoTime();
    long deadline = started + Duration.ofMinutes(30).toNanos();
    String pending = "SELECT count(*) FROM outbox WHERE kind = 'actuation' AND status <> 'DONE'";
    long left;
    while ((left = jdbi.withHandle(h -> h.createQuery(pending).mapTo(Long.class).one())) > 0) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(left + " setup traffic shifts still not applied");
      }
      sleepQuietly(500);
    }
    System.out.printf(
        Locale.ROOT,
        "setup: the first traffic shifts of %d experiments applied %d s after the last submission%n",
        experiments,
        Duration.ofNanos(System.nanoTime() - started).toSeconds());
  }

  /** Events per round: the running experiments' and the probes'. */
  private int total() {
    return events + probes * PROBE_WINDOWS;
  }

  /** Decision-to-patch times of the traffic shifts the probes caused while the pipeline ran. */
  private void collectActuation(Instant pipelineStarted) {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    String pending =
        "SELECT count(*) FROM outbox o JOIN experiments e ON e.id = o.experiment_id "
            + "WHERE o.kind = 'actuation' AND o.status <> 'DONE' AND e.service LIKE 'bench-probe-%'";
    while (jdbi.withHandle(h -> h.createQuery(pending).mapTo(Long.class).one()) > 0
        && System.nanoTime() < deadline) {
      sleepQuietly(100);
    }
    List<Double> millis =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT extract(epoch FROM o.done_at - o.created_at) * 1000 FROM outbox o "
                            + "JOIN experiments e ON e.id = o.experiment_id WHERE o.kind = 'actuation' "
                            + "AND o.status = 'DONE' AND e.service LIKE 'bench-probe-%' "
                            + "AND o.created_at >= :started")
                    .bind("started", pipelineStarted)
                    .mapTo(Double.class)
                    .list());
    if (round > soak + 1) {
      actuationMillis.addAll(millis);
    }
  }

  private void printActuation() {
    if (actuationMillis.isEmpty()) {
      System.out.println("actuation under load: no traffic shift measured");
      return;
    }
    double[] sorted = actuationMillis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    System.out.printf(
        Locale.ROOT,
        "actuation under load (decision to Kubernetes patch, %d shifts): p50 %.0f ms, p99 %.0f ms,"
            + " max %.0f ms%n",
        sorted.length,
        sorted[(int) Math.floor(0.50 * (sorted.length - 1))],
        sorted[(int) Math.ceil(0.99 * (sorted.length - 1))],
        sorted[sorted.length - 1]);
  }

  /**
   * A round of the pipeline alone: its events published and the pipeline timed through them, with
   * its CPU per event, and no reference. The references take about four fifths of a round's time at
   * 100 experiments, while the pipeline's hot methods are only compiled once they have run long
   * enough: soak rounds give its JIT that time, as a replica's steady load would.
   */
  private void soakRound() throws Exception {
    List<EncodedEvent> batch = nextRound().events();
    Instant pipelineStarted = Instant.now();
    ProcessCpu.Reading started = cpu.read();
    double perSecond = pipeline.run(total(), round);
    ProcessCpu.Reading ended = cpu.read();
    System.out.println(pipeline.lastRun());
    System.out.printf(
        Locale.ROOT,
        "soak %d: pipeline %.0f events/s, CPU µs/event %s, consumers %.1f µs/event, jit %.1f%n",
        round,
        perSecond,
        cpu(ended.since(started, batch.size())),
        ended.kindSince(started, ProcessCpu.CONSUMERS, batch.size()),
        ended.kindSince(started, ProcessCpu.JIT, batch.size()));
    collectActuation(pipelineStarted);
  }

  /** A round's events, published, and where they start on the health topic's partitions. */
  private record Published(Map<TopicPartition, Long> from, List<EncodedEvent> events) {}

  /**
   * Starts the next round: holds the pipeline's consumers, submits the round's probe experiments
   * and publishes its events, which then wait in Kafka.
   */
  private Published nextRound() throws Exception {
    pipeline.holdIngest(RESTART_INGEST);
    round++;
    pipeline.submitProbes(probes, round);
    Map<TopicPartition, Long> from = endOffsets();
    List<EncodedEvent> events = withProbes(encode());
    publish(events);
    return new Published(from, events);
  }

  private Round round() throws Exception {
    Published published = nextRound();
    Map<TopicPartition, Long> from = published.from();
    List<EncodedEvent> batch = published.events();
    List<String> keys = batch.stream().map(EncodedEvent::key).toList();
    double rawKafka = references.consume(from, total(), false);
    double decode = references.consume(from, total(), true);
    double rawPostgres = references.write(keys, 1);
    statements.reset();
    ProcessCpu.Reading before = cpu.read();
    double rawPostgresParallel = references.write(keys, consumerThreads());
    ProcessCpu.Reading between = cpu.read();
    statements.print("raw pg x" + consumerThreads(), round);
    ProcessCpu.Reading floorStarted = cpu.read();
    double floor = references.floor(from, total(), consumerThreads());
    ProcessCpu.Reading floorEnded = cpu.read();
    statements.print("floor", round);
    Instant pipelineStarted = Instant.now();
    double pipelined = pipeline.run(total(), round);
    ProcessCpu.Reading pipelineEnded = cpu.read();
    System.out.println(pipeline.lastRun());
    ProcessCpu.PerEvent pipelineCpu = pipelineEnded.since(floorEnded, batch.size());
    System.out.printf(
        Locale.ROOT,
        "       pipeline round %d: CPU µs/event of the pipeline JVM's threads (and the harness"
            + " JVM's, \"bench jvm\"): %s; the consumer threads allocated %.0f bytes/event%n",
        round,
        pipelineEnded.threadsSince(floorEnded, batch.size()),
        (double) pipeline.consumerAllocatedBytes() / batch.size());
    statements.print("pipeline", round);
    collectActuation(pipelineStarted);
    return new Round(
        rawKafka,
        decode,
        rawPostgres,
        rawPostgresParallel,
        floor,
        pipelined,
        between.since(before, batch.size()),
        floorEnded.since(floorStarted, batch.size()),
        pipelineCpu,
        pipelineEnded.kindSince(floorEnded, ProcessCpu.CONSUMERS, batch.size()));
  }

  /**
   * Records per batch: the pipeline's {@code aegis.processing.max-poll-records}, which the raw
   * consumers and the reference's transactions take too.
   */
  private int batch() {
    return pipeline.batch();
  }

  /** The pipeline's consumer threads ({@code aegis.processing.concurrency}). */
  private int consumerThreads() {
    return pipeline.consumerThreads();
  }

  /**
   * A schema-valid window of {@code track} and {@code seconds} for {@code service}, as a monitor
   * sends it.
   */
  private static EncodedEvent window(
      String service, String version, Track track, Instant start, long seconds) {
    return CODEC.encodeBinary(
        Events.envelope(
            EventType.HEALTH_REPORTED,
            UUID.randomUUID().toString(),
            "/monitors/bench",
            service,
            Instant.now()),
        new HealthReported(
            service,
            version,
            track,
            start,
            start.plusSeconds(seconds),
            1000,
            5,
            new Latency(80.0, 200.0, 350.0),
            0.4,
            0.5));
  }

  private List<EncodedEvent> encode() {
    List<EncodedEvent> out = new ArrayList<>(events);
    Instant start = nextWindow;
    for (int i = 0; i < events; i++) {
      int svc = i % experiments;
      int slot = i / experiments;
      boolean baseline = BASELINE && slot % 2 == 1;
      Instant windowStart = start.plusSeconds(BASELINE ? slot / 2 : slot);
      out.add(
          baseline
              ? window(service(svc), "1.0." + svc, Track.BASELINE, windowStart, 1)
              : window(service(svc), "2.0." + svc, Track.CANARY, windowStart, 1));
    }
    nextWindow = start.plusSeconds(events / experiments + 1);
    return out;
  }

  /**
   * The round's events with the probes' windows spread evenly through them (each probe's in order):
   * 2 s windows ending a little before now, so that they are judged on their own timeline.
   */
  private List<EncodedEvent> withProbes(List<EncodedEvent> main) {
    List<EncodedEvent> probeEvents = new ArrayList<>();
    Instant start =
        Instant.now().minusSeconds(2L * PROBE_WINDOWS + 30).truncatedTo(ChronoUnit.SECONDS);
    for (int j = 0; j < PROBE_WINDOWS; j++) {
      for (int p = 0; p < probes; p++) {
        Instant windowStart = start.plusSeconds(2L * j);
        probeEvents.add(window(probe(p), "3.0." + round, Track.CANARY, windowStart, 2));
      }
    }
    if (probeEvents.isEmpty()) {
      return main;
    }
    List<EncodedEvent> out = new ArrayList<>(main.size() + probeEvents.size());
    int every = Math.max(1, main.size() / probeEvents.size());
    int next = 0;
    for (int i = 0; i < main.size(); i++) {
      out.add(main.get(i));
      if ((i + 1) % every == 0 && next < probeEvents.size()) {
        out.add(probeEvents.get(next++));
      }
    }
    out.addAll(probeEvents.subList(next, probeEvents.size()));
    return out;
  }

  private void publish(List<EncodedEvent> batch) throws Exception {
    try (var producer =
        new KafkaProducer<byte[], byte[]>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.LINGER_MS_CONFIG,
                5,
                ProducerConfig.BATCH_SIZE_CONFIG,
                256 * 1024),
            new ByteArraySerializer(),
            new ByteArraySerializer())) {
      Future<?> last = null;
      for (EncodedEvent e : batch) {
        var record = new ProducerRecord<byte[], byte[]>(e.topic(), e.key().getBytes(), e.value());
        e.headers().forEach((k, v) -> record.headers().add(k, v));
        last = producer.send(record);
      }
      producer.flush();
      last.get();
    }
  }

  private Map<TopicPartition, Long> endOffsets() {
    try (var consumer =
        new KafkaConsumer<byte[], byte[]>(
            Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      var partitions =
          consumer.partitionsFor(Topics.HEALTH).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      return consumer.endOffsets(partitions);
    }
  }

  /**
   * The run only counts if the pipeline did the work: every window stored, every experiment still
   * on step 1.
   */
  private void checkEndState(int rounds) {
    long expected = (long) events * rounds;
    long stored =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM health_windows WHERE experiment_id IS NOT NULL "
                            + "AND service LIKE 'bench-svc-%'")
                    .mapTo(Long.class)
                    .one());
    long canary =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM experiments WHERE phase = 'CANARY' "
                            + "AND service LIKE 'bench-svc-%'")
                    .mapTo(Long.class)
                    .one());
    System.out.printf(
        Locale.ROOT,
        "check: %d of %d windows stored against their experiment; %d of %d experiments "
            + "in CANARY%n",
        stored,
        expected,
        canary,
        experiments);
    if (stored != expected || canary != experiments) {
      jdbi.useHandle(
          h -> {
            h.createQuery(
                    "SELECT outcome || ' ' || coalesce(detail, '') || ': ' || count(*) FROM processed_events "
                        + "GROUP BY outcome, detail")
                .mapTo(String.class)
                .forEach(System.out::println);
            h.createQuery(
                    "SELECT 'windows without experiment: ' || count(*) FROM health_windows WHERE experiment_id "
                        + "IS NULL")
                .mapTo(String.class)
                .forEach(System.out::println);
          });
      throw new AssertionError("pipeline end state does not match the events published");
    }
  }

  private void stop() {
    if (references != null) {
      references.close();
    }
    if (pipeline != null) {
      pipeline.close();
    }
    database.close();
  }

  static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private record Round(
      double rawKafka,
      double decode,
      double rawPostgres,
      double rawPostgresParallel,
      double floor,
      double pipeline,
      ProcessCpu.PerEvent rawPostgresParallelCpu,
      ProcessCpu.PerEvent floorCpu,
      ProcessCpu.PerEvent pipelineCpu,
      double consumerMicros) {
    static Round median(List<Round> rounds) {
      return new Round(
          median(rounds.stream().mapToDouble(Round::rawKafka).toArray()),
          median(rounds.stream().mapToDouble(Round::decode).toArray()),
          median(rounds.stream().mapToDouble(Round::rawPostgres).toArray()),
          median(rounds.stream().mapToDouble(Round::rawPostgresParallel).toArray()),
          median(rounds.stream().mapToDouble(Round::floor).toArray()),
          median(rounds.stream().mapToDouble(Round::pipeline).toArray()),
          median(rounds, Round::rawPostgresParallelCpu),
          median(rounds, Round::floorCpu),
          median(rounds, Round::pipelineCpu),
          median(rounds.stream().mapToDouble(Round::consumerMicros).toArray()));
    }

    private static ProcessCpu.PerEvent median(
        List<Round> rounds, java.util.function.Function<Round, ProcessCpu.PerEvent> cpu) {
      return new ProcessCpu.PerEvent(
          median(rounds.stream().mapToDouble(r -> cpu.apply(r).jvmMicros()).toArray()),
          median(rounds.stream().mapToDouble(r -> cpu.apply(r).postgresMicros()).toArray()));
    }

    private static double median(double[] values) {
      Arrays.sort(values);
      int n = values.length;
      return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }
  }
}
