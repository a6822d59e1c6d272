package dev.aegis.orchestrator.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.aegis.events.DecodeResult;
import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.Topics;
import dev.aegis.events.data.HealthReported;
import dev.aegis.orchestrator.persistence.BinaryArrays;
import dev.aegis.orchestrator.persistence.HealthWindowRepository;
import dev.aegis.orchestrator.persistence.InboxRepository;
import dev.aegis.orchestrator.persistence.JdbiFactory;
import dev.aegis.orchestrator.persistence.StepSampleRepository;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The references {@link PipelineBenchmark} measures the pipeline against: a plain Kafka consumer
 * (with and without the codec), and the pipeline's rows written the fastest way it writes them.
 *
 * <p>They run in a JVM of their own ({@link #main}, driven by {@link ReferenceProcess}) unless
 * {@code -Dbench.references=inline}. In one JVM, the references and the pipeline run the same Kafka
 * client, driver and JSON code on different paths, one after the other every round: each
 * invalidates the type profiles the JIT compiled the other's code for, and the measured rounds pay
 * for the recompilation. A replica runs only the pipeline.
 */
final class ReferenceWorkloads implements References {

  private static final EventCodec CODEC = new EventCodec();

  /**
   * {@code -Dbench.reference.rows=constant}: write the rows as the reference did before 2026-12-06
   * ({@link #writeConstantRows}); {@code varied}, the default, writes them as the pipeline does.
   */
  static final String ROWS = System.getProperty("bench.reference.rows", "varied");

  private static final boolean CONSTANT_ROWS = "constant".equals(ROWS);

  /** The prefix of the child's answers on its standard output; its logs may go there too. */
  static final String ANSWER = "@@reference ";

  /**
   * The prefixes of the copies of the pipeline's tables ({@code <prefix>processed}, {@code
   * <prefix>windows}, {@code <prefix>samples}) each workload writes: a set of its own, so that
   * every workload's tables and indexes grow by one round's rows a round, as the pipeline's do.
   * Until 2026-12-06 both writers shared one set, which grew twice as fast as the pipeline's.
   */
  static final String ONE_WRITER = "bench_";

  static final String WRITERS = "benchx_";
  static final String FLOOR = "floor_";

  /** Connections of the reference's pool: enough for every consumer thread's share at once. */
  private static final int CONNECTIONS = 8;

  private final String bootstrapServers;
  private final int batch;
  private final HikariDataSource pool;
  private final Jdbi jdbi;
  private final AtomicLong rawSeq = new AtomicLong();

  /**
   * @param batch records per poll and events per transaction: the pipeline's {@code
   *     aegis.processing.max-poll-records}
   */
  ReferenceWorkloads(String bootstrapServers, String jdbcUrl, String user, int batch) {
    this.bootstrapServers = bootstrapServers;
    this.batch = batch;
    // The same driver setting as the application, through a pool as the application does: a
    // connection opened per batch would charge the reference for the server starting a backend.
    var driver = new PGSimpleDataSource();
    driver.setUrl(jdbcUrl);
    driver.setUser(user);
    driver.setReWriteBatchedInserts(true);
    var config = new HikariConfig();
    config.setDataSource(driver);
    config.setMaximumPoolSize(CONNECTIONS);
    config.setPoolName("bench-reference");
    this.pool = new HikariDataSource(config);
    this.jdbi = JdbiFactory.create(pool);
  }

  /**
   * How many times {@link #consume} reads the round's records; it reports the median. One read of
   * 100 000 records takes 0.3 to 1.4 s, and single reads varied by a factor of five between rounds
   * (docs/benchmarks.md, "A steadier raw Kafka reference").
   */
  static final int CONSUME_READS = Integer.getInteger("bench.kafka.reads", 5);

  @Override
  public double consume(Map<TopicPartition, Long> from, long total, boolean decode) {
    double[] reads = new double[CONSUME_READS];
    for (int i = 0; i < reads.length; i++) {
      reads[i] = consumeOnce(from, total, decode);
    }
    Arrays.sort(reads);
    return reads[reads.length / 2];
  }

  /**
   * One read of {@code total} records from {@code from} on, timed from the end of the first poll
   * that returned records: the consumer's connection and metadata requests are set-up, which the
   * pipeline's long-lived consumers pay once, not per batch.
   */
  private double consumeOnce(Map<TopicPartition, Long> from, long total, boolean decode) {
    try (var consumer = consumer()) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long seen = 0;
      long first = -1;
      long started = 0;
      while (seen < total) {
        var records = consumer.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          if (decode) {
            decodeHealth(r);
          }
          seen++;
        }
        if (first < 0 && seen > 0) {
          // The first poll's records (one fetch) are not counted: their time is the set-up's.
          first = seen;
          started = System.nanoTime();
        }
      }
      return perSecond(seen - first, started);
    }
  }

  @Override
  public double floor(Map<TopicPartition, Long> from, long total, int threads) throws Exception {
    List<Map<TopicPartition, Long>> shares = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      shares.add(new LinkedHashMap<>());
    }
    int next = 0;
    for (Map.Entry<TopicPartition, Long> p : from.entrySet()) {
      shares.get(next++ % threads).put(p.getKey(), p.getValue());
    }
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<Long>> running = new ArrayList<>();
      for (Map<TopicPartition, Long> share : shares) {
        if (!share.isEmpty()) {
          running.add(workers.submit(() -> floorShare(share)));
        }
      }
      long seen = 0;
      for (Future<Long> f : running) {
        seen += f.get();
      }
      if (seen != total) {
        throw new IllegalStateException("the floor read " + seen + " records, not " + total);
      }
      return perSecond(seen, started);
    } finally {
      workers.shutdownNow();
    }
  }

  /**
   * One consumer thread of {@link #floor}: reads its partitions up to their end offsets as they are
   * when it starts, and writes each poll's rows in one transaction.
   */
  private long floorShare(Map<TopicPartition, Long> share) {
    try (var consumer = consumer()) {
      consumer.assign(share.keySet());
      share.forEach(consumer::seek);
      Map<TopicPartition, Long> ends = consumer.endOffsets(share.keySet());
      long target = 0;
      for (Map.Entry<TopicPartition, Long> p : share.entrySet()) {
        target += ends.get(p.getKey()) - p.getValue();
      }
      long seen = 0;
      while (seen < target) {
        var records = consumer.poll(Duration.ofMillis(200));
        if (records.isEmpty()) {
          continue;
        }
        Rows rows = new Rows(records.count());
        long micros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now());
        int i = 0;
        for (ConsumerRecord<byte[], byte[]> r : records) {
          rows.set(
              i++, decodeHealth(r), r.partition(), r.offset(), rawSeq.getAndIncrement(), micros);
        }
        Instant now = Instant.now();
        jdbi.useTransaction(h -> rows.insert(h, FLOOR, now));
        seen += records.count();
      }
      return seen;
    }
  }

  /** The record decoded as the pipeline's ingest listener decodes it; a health window. */
  private static DecodeResult.Decoded decodeHealth(ConsumerRecord<byte[], byte[]> r) {
    Map<String, byte[]> headers = new HashMap<>();
    r.headers().forEach(h -> headers.put(h.key(), h.value()));
    if (!(CODEC.decode(r.value(), headers) instanceof DecodeResult.Decoded d)
        || !(d.data() instanceof HealthReported)) {
      throw new IllegalStateException("benchmark event rejected by the codec");
    }
    return d;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrapServers,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            batch,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false),
        new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
  }

  @Override
  public double write(List<String> keys, int threads) throws Exception {
    List<List<String>> slices = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      slices.add(new ArrayList<>());
    }
    // Each thread takes the events of its share of the services, as a consumer thread owns
    // partitions.
    for (String key : keys) {
      slices.get(Math.floorMod(key.hashCode(), threads)).add(key);
    }
    ExecutorService workers = Executors.newFixedThreadPool(threads);
    try {
      long started = System.nanoTime();
      List<Future<?>> running = new ArrayList<>();
      String tables = threads == 1 ? ONE_WRITER : WRITERS;
      for (List<String> slice : slices) {
        running.add(workers.submit(() -> writeSlice(slice, tables)));
      }
      for (Future<?> f : running) {
        f.get();
      }
      return perSecond(keys.size(), started);
    } finally {
      workers.shutdownNow();
    }
  }

  /**
   * One transaction per batch, one multi-row statement per table: a processed-event marker, a
   * health window and a step sample per event, into plain copies of the pipeline's tables.
   */
  private void writeSlice(List<String> keys, String tables) {
    if (CONSTANT_ROWS) {
      writeConstantRows(keys, tables);
      return;
    }
    Instant now = Instant.now();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    for (int from = 0; from < keys.size(); from += batch) {
      List<String> slice = keys.subList(from, Math.min(keys.size(), from + batch));
      Rows rows = new Rows(slice.size());
      for (int i = 0; i < slice.size(); i++) {
        rows.set(i, slice.get(i), rawSeq.getAndIncrement(), micros);
      }
      jdbi.useTransaction(h -> rows.insert(h, tables, now));
    }
  }

  /**
   * The rows of one batch as the pipeline writes them: every column bound as an array of the
   * batch's values, through the pipeline's own statements ({@link InboxRepository#claimStatement},
   * {@link HealthWindowRepository#insertStatement}, {@link StepSampleRepository#appendStatement})
   * on the copies of its tables; the claim's answer is read, as the pipeline reads it. Each
   * service's rows carry an experiment id of their own and each event its own window, so the
   * indexes take as many distinct keys as the pipeline's.
   */
  private static final class Rows {
    final String[] ids;
    final String[] services;
    final String[] experimentIds;
    final Long[] seqs;
    final Long[] offsets;
    final Long[] starts;
    final Long[] ends;
    final Long[] requests;
    final Long[] errors;
    final Double[] p50;
    final Double[] p95;
    final Double[] p99;
    final Double[] cpu;
    final Double[] memory;
    final Integer[] steps;
    final Integer[] partitions;
    final String[] noText;
    final Boolean[] seeds;

    Rows(int n) {
      ids = new String[n];
      services = new String[n];
      experimentIds = new String[n];
      seqs = new Long[n];
      offsets = new Long[n];
      starts = new Long[n];
      ends = new Long[n];
      requests = new Long[n];
      errors = new Long[n];
      p50 = new Double[n];
      p95 = new Double[n];
      p99 = new Double[n];
      cpu = new Double[n];
      memory = new Double[n];
      steps = new Integer[n];
      partitions = new Integer[n];
      noText = new String[n];
      seeds = new Boolean[n];
    }

    void set(int i, String service, long seq, long micros) {
      ids[i] = UUID.randomUUID().toString();
      services[i] = service;
      experimentIds[i] =
          UUID.nameUUIDFromBytes(service.getBytes(StandardCharsets.UTF_8)).toString();
      seqs[i] = seq;
      starts[i] = micros - 10_000_000L + seq % 1_000_000L;
      ends[i] = starts[i] + 10_000_000L;
      requests[i] = 1000 + seq % 50;
      errors[i] = seq % 7;
      p50[i] = 80.0 + seq % 5;
      p95[i] = 200.0 + seq % 30;
      p99[i] = 350.0 + seq % 40;
      cpu[i] = 0.4;
      memory[i] = 0.5;
      steps[i] = 0;
      partitions[i] = Math.floorMod(service.hashCode(), 3);
      offsets[i] = seq;
      seeds[i] = false;
    }

    /** Row {@code i} from a decoded health window read at {@code partition}, {@code offset}. */
    void set(int i, DecodeResult.Decoded event, int partition, long offset, long seq, long micros) {
      HealthReported w = (HealthReported) event.data();
      ids[i] = event.envelope().id();
      services[i] = w.service();
      experimentIds[i] =
          UUID.nameUUIDFromBytes(w.service().getBytes(StandardCharsets.UTF_8)).toString();
      seqs[i] = seq;
      offsets[i] = offset;
      starts[i] = ChronoUnit.MICROS.between(Instant.EPOCH, w.windowStart());
      ends[i] = ChronoUnit.MICROS.between(Instant.EPOCH, w.windowEnd());
      requests[i] = w.requests();
      errors[i] = w.errors();
      p50[i] = w.latencyMs().p50();
      p95[i] = w.latencyMs().p95();
      p99[i] = w.latencyMs().p99();
      cpu[i] = w.cpuUtilization();
      memory[i] = w.memoryUtilization();
      steps[i] = 1;
      partitions[i] = partition;
      seeds[i] = false;
    }

    /** Writes the rows into the copies of the tables whose names start with {@code tables}. */
    void insert(Handle h, String tables, Instant now) {
      int n = ids.length;
      h.createQuery(InboxRepository.claimStatement(tables + "processed"))
          .bind("sources", BinaryArrays.text(filled(n, "/monitors/bench")))
          .bind("ids", BinaryArrays.text(ids))
          .bind("types", BinaryArrays.text(filled(n, EventType.HEALTH_REPORTED.type())))
          .bind("topics", BinaryArrays.text(filled(n, Topics.HEALTH)))
          .bind("partitions", BinaryArrays.int4(partitions))
          .bind("offsets", BinaryArrays.int8(offsets))
          .bind("now", now)
          .mapTo(String.class)
          .list();
      h.createUpdate(HealthWindowRepository.insertStatement(tables + "windows"))
          .bind("namespaces", BinaryArrays.text(filled(n, "bench")))
          .bind("services", BinaryArrays.text(services))
          .bind("versions", BinaryArrays.text(filled(n, "2.0.0")))
          .bind("tracks", BinaryArrays.text(filled(n, "canary")))
          .bind("starts", BinaryArrays.int8(starts))
          .bind("ends", BinaryArrays.int8(ends))
          .bind("requests", BinaryArrays.int8(requests))
          .bind("errors", BinaryArrays.int8(errors))
          .bind("p50", BinaryArrays.float8(p50))
          .bind("p95", BinaryArrays.float8(p95))
          .bind("p99", BinaryArrays.float8(p99))
          .bind("cpu", BinaryArrays.float8(cpu))
          .bind("memory", BinaryArrays.float8(memory))
          .bind("experimentIds", BinaryArrays.text(experimentIds))
          .bind("steps", BinaryArrays.int4(steps))
          .bind("sources", BinaryArrays.text(filled(n, "/monitors/bench")))
          .bind("eventIds", BinaryArrays.text(ids))
          .bind("received", BinaryArrays.int8(ends))
          .execute();
      h.createUpdate(StepSampleRepository.appendStatement(tables + "samples"))
          .bind("ids", BinaryArrays.text(experimentIds))
          .bind("seqs", BinaryArrays.int8(seqs))
          .bind("tracks", BinaryArrays.text(filled(n, "canary")))
          .bind("starts", BinaryArrays.int8(starts))
          .bind("ends", BinaryArrays.int8(ends))
          .bind("requests", BinaryArrays.int8(requests))
          .bind("errors", BinaryArrays.int8(errors))
          .bind("p95", BinaryArrays.float8(p95))
          .bind("faultIds", BinaryArrays.text(noText))
          .bind("faults", BinaryArrays.text(noText))
          .bind("seeds", BinaryArrays.bool(seeds))
          // The experiment's state, which the pipeline's journal-only writes put on a window's
          // row since V16, is not part of the reference, as the row's UPDATE never was.
          .bind("revisions", BinaryArrays.int8(new Long[n]))
          .bind("progress", BinaryArrays.text(noText))
          .bind("judgments", BinaryArrays.text(noText))
          .bind("lastWindows", BinaryArrays.int8(new Long[n]))
          .bind("tokens", BinaryArrays.int8(new Long[n]))
          .bind("now", now)
          .execute();
    }

    private static String[] filled(int n, String value) {
      String[] out = new String[n];
      Arrays.fill(out, value);
      return out;
    }
  }

  /**
   * The rows as the reference wrote them before 2026-12-06 ({@code
   * -Dbench.reference.rows=constant}): the columns other than the event id and the service are
   * constants of the statements, and every window row carries one experiment id, so the server
   * parses two arrays, not eighteen, and one index takes a single key.
   */
  private void writeConstantRows(List<String> keys, String tables) {
    Instant now = Instant.now();
    long micros = ChronoUnit.MICROS.between(Instant.EPOCH, now);
    for (int from = 0; from < keys.size(); from += batch) {
      List<String> slice = keys.subList(from, Math.min(keys.size(), from + batch));
      int n = slice.size();
      String[] ids = new String[n];
      String[] services = new String[n];
      Long[] seqs = new Long[n];
      for (int i = 0; i < n; i++) {
        ids[i] = UUID.randomUUID().toString();
        services[i] = slice.get(i);
        seqs[i] = rawSeq.getAndIncrement();
      }
      jdbi.useTransaction(
          h -> {
            h.createUpdate(
                    "INSERT INTO "
                        + tables
                        + "processed (source, event_id, type, topic, partition, "
                        + "kafka_offset, outcome, processed_at) SELECT '/monitors/bench', i, :type, :topic, "
                        + "0, 0, 'applied', :now FROM unnest(:ids) AS x(i) ON CONFLICT DO NOTHING")
                .bind("ids", BinaryArrays.text(ids))
                .bind("type", EventType.HEALTH_REPORTED.type())
                .bind("topic", Topics.HEALTH)
                .bind("now", now)
                .execute();
            h.createUpdate(
                    "INSERT INTO "
                        + tables
                        + "windows (namespace, service, version, track, window_start, "
                        + "window_end, requests, errors, p50_ms, p95_ms, p99_ms, cpu, memory, experiment_id, "
                        + "step, event_source, event_id, received_at) SELECT 'bench', s, '2.0', 'canary', "
                        + ":now, :now, 1000, 5, 80, 200, 350, 0.4, 0.5, 'bench', 1, '/monitors/bench', i, :now "
                        + "FROM unnest(:services, :ids) AS x(s, i)")
                .bind("services", BinaryArrays.text(services))
                .bind("ids", BinaryArrays.text(ids))
                .bind("now", now)
                .execute();
            h.createUpdate(
                    "INSERT INTO "
                        + tables
                        + "samples (experiment_id, seq, track, window_start, window_end, "
                        + "requests, errors, p95_ms, fault_ids, faults, seed, written_at) "
                        + "SELECT s, q, 'canary', timestamptz 'epoch' + :micros * interval '1 microsecond', "
                        + "timestamptz 'epoch' + :micros * interval '1 microsecond', 1000, 5, 200, "
                        + "null::jsonb, null::jsonb, false, :now FROM unnest(:services, :seqs) AS x(s, q)")
                .bind("services", BinaryArrays.text(services))
                .bind("seqs", BinaryArrays.int8(seqs))
                .bind("micros", micros)
                .bind("now", now)
                .execute();
          });
    }
  }

  @Override
  public long pid() {
    return ProcessHandle.current().pid();
  }

  @Override
  public void close() {
    pool.close();
  }

  private static double perSecond(long count, long startedNanos) {
    return count / ((System.nanoTime() - startedNanos) / 1e9);
  }

  /**
   * The references as a process of their own. Arguments: bootstrap servers, JDBC URL, user, batch.
   * Then one command per line on standard input, each answered by one line starting with {@link
   * #ANSWER} on standard output ({@code ok <events/s>} or {@code error <reason>}):
   *
   * <ul>
   *   <li>{@code consume <decode> <total> <topic>:<partition>:<offset>,...}: {@link #consume};
   *   <li>{@code floor <threads> <total> <topic>:<partition>:<offset>,...}: {@link #floor};
   *   <li>{@code write <threads> <file>}: {@link #write} for the keys in {@code file}, one a line.
   * </ul>
   *
   * It exits at the end of its input.
   */
  public static void main(String[] args) throws IOException {
    try (var references =
        new ReferenceWorkloads(args[0], args[1], args[2], Integer.parseInt(args[3]))) {
      ChildJvm.serve(ANSWER, "0", command -> run(references, command));
    }
    System.exit(0);
  }

  private static String run(ReferenceWorkloads references, String[] command) throws Exception {
    double perSecond =
        switch (command[0]) {
          case "consume" ->
              references.consume(
                  positions(command[3]),
                  Long.parseLong(command[2]),
                  Boolean.parseBoolean(command[1]));
          case "floor" ->
              references.floor(
                  positions(command[3]), Long.parseLong(command[2]), Integer.parseInt(command[1]));
          case "write" ->
              references.write(
                  Files.readAllLines(Path.of(command[2])), Integer.parseInt(command[1]));
          default -> throw new IllegalArgumentException("unknown command " + command[0]);
        };
    return String.format(Locale.ROOT, "%.3f", perSecond);
  }

  /** Positions written as {@code <topic>:<partition>:<offset>,...}. */
  private static Map<TopicPartition, Long> positions(String text) {
    Map<TopicPartition, Long> from = new LinkedHashMap<>();
    for (String position : text.split(",")) {
      String[] parts = position.split(":");
      from.put(new TopicPartition(parts[0], Integer.parseInt(parts[1])), Long.parseLong(parts[2]));
    }
    return from;
  }
}
