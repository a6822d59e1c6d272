package dev.aegis.orchestrator.bench;

import dev.aegis.orchestrator.testsupport.SharedPostgres;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where PostgreSQL spent a benchmark phase's time, statement by statement, from pg_stat_statements:
 * on only with {@code -Dbench.statements=true}, which also makes the shared server preload the
 * extension ({@link SharedPostgres#STATEMENTS_PROPERTY}); then also the tables written most, with
 * how many updates stayed on their page (heap-only) and their sizes, the autovacuum runs, and the
 * states of the busy backends, sampled every {@value #SAMPLE_MILLIS} ms from another connection
 * (whose own statements at a phase's end are sampled too, a few of the phase's samples). The table
 * counts are PostgreSQL's cumulative statistics, which a backend flushes up to a second late: a
 * phase's lines can miss its last writes and show another JVM's (the references' {@code bench_},
 * {@code benchx_} and {@code floor_} tables).
 */
final class Statements {

  private static final int TOP = 12;

  /** How often the backends' states are sampled while a phase runs. */
  private static final long SAMPLE_MILLIS = 20;

  private final Jdbi superuser;
  private long checkpointsAtReset;

  /** Busy backends' states seen since the last print, by state: see {@link #sample}. */
  private final Map<String, Integer> states = new ConcurrentHashMap<>();

  private final AtomicInteger samples = new AtomicInteger();
  private ScheduledExecutorService sampler;

  private Statements(Jdbi superuser) {
    this.superuser = superuser;
  }

  /** A reporter for {@code database} on {@code server}, or one that does nothing when off. */
  static Statements of(SharedPostgres server, String database) {
    if (!Boolean.getBoolean(SharedPostgres.STATEMENTS_PROPERTY)) {
      return new Statements(null);
    }
    var dataSource = new PGSimpleDataSource();
    dataSource.setUrl(server.connection(database).jdbcUrl());
    dataSource.setUser(server.connection(database).username());
    Jdbi jdbi = Jdbi.create(dataSource);
    jdbi.useHandle(h -> h.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
    return new Statements(jdbi);
  }

  /** Starts counting afresh. */
  void reset() {
    if (superuser != null) {
      superuser.useHandle(
          h -> {
            h.execute("SELECT pg_stat_statements_reset()");
            h.execute("SELECT pg_stat_reset()");
            checkpointsAtReset = checkpoints(h);
          });
      if (sampler == null) {
        sampler =
            Executors.newSingleThreadScheduledExecutor(
                r -> {
                  Thread t = new Thread(r, "bench-backend-sampler");
                  t.setDaemon(true);
                  return t;
                });
        Handle h = superuser.open();
        sampler.scheduleWithFixedDelay(
            () -> sample(h), SAMPLE_MILLIS, SAMPLE_MILLIS, TimeUnit.MILLISECONDS);
      }
      states.clear();
      samples.set(0);
    }
  }

  /**
   * One look at the database's other client backends that are not idle: on the CPU or waiting on
   * PostgreSQL ({@code active}), or in a transaction waiting for their client's next statement
   * ({@code idle in transaction}: the client's time, or its trip over the socket).
   */
  private void sample(Handle h) {
    try {
      h.createQuery(
              "SELECT CASE WHEN state = 'active' THEN 'active, '"
                  + " || coalesce(wait_event_type || ':' || wait_event, 'on the CPU')"
                  + " ELSE state END FROM pg_stat_activity"
                  + " WHERE datname = current_database() AND backend_type = 'client backend'"
                  + " AND pid <> pg_backend_pid() AND state <> 'idle'")
          .mapTo(String.class)
          .forEach(state -> states.merge(state, 1, Integer::sum));
      samples.incrementAndGet();
    } catch (RuntimeException e) {
      states.merge("not sampled: " + e.getClass().getSimpleName(), 1, Integer::sum);
    }
  }

  /** Prints the statements that took the most time since {@link #reset}, then resets. */
  void print(String phase, int round) {
    if (superuser == null) {
      return;
    }
    superuser.useHandle(
        h -> {
          long checkpoints = checkpoints(h);
          System.out.printf(
              Locale.ROOT,
              "-- round %d, %s: statements by time (checkpoints begun meanwhile: %d)%n",
              round,
              phase,
              checkpoints - checkpointsAtReset);
          h.createQuery(
                  "SELECT lpad(round(total_exec_time)::text, 7) || ' ms exec ' "
                      + "|| lpad(round(total_plan_time)::text, 6) || ' ms plan ' "
                      + "|| lpad(calls::text, 6) || ' calls ' || lpad(rows::text, 7) || ' rows ' "
                      + "|| lpad(round(wal_bytes / greatest(rows, 1))::text, 6) || ' WAL B/row ' "
                      + "|| lpad(round(1000.0 * wal_fpi / greatest(rows, 1))::text, 5)"
                      + " || ' FPI/1k rows  ' "
                      + "|| CASE WHEN length(q) <= 200 THEN q "
                      + "ELSE left(q, 90) || ' … ' || right(q, 110) END "
                      + "FROM pg_stat_statements, regexp_replace(query, '\\s+', ' ', 'g') AS q "
                      + "WHERE query NOT LIKE '%pg_stat_statements%' "
                      + "ORDER BY total_exec_time + total_plan_time DESC LIMIT "
                      + TOP)
              .mapTo(String.class)
              .forEach(System.out::println);
          h.createQuery(
                  "SELECT '   table ' || relname || ': ' || n_tup_ins || ' inserted, ' || n_tup_upd "
                      + "|| ' updated (' || n_tup_hot_upd || ' in place), ' "
                      + "|| pg_size_pretty(pg_table_size(relid)) || ' with TOAST, indexes ' "
                      + "|| pg_size_pretty(pg_indexes_size(relid)) FROM pg_stat_user_tables "
                      + "WHERE n_tup_ins + n_tup_upd > 0 ORDER BY n_tup_ins + n_tup_upd DESC LIMIT 6")
              .mapTo(String.class)
              .forEach(System.out::println);
          // Out-of-line values of the experiment rows: chunks of the judgments stored (each
          // about 1.4 KB compressed, one chunk), which a write that keeps the judgment does not
          // add.
          h.createQuery(
                  "SELECT '   TOAST of experiments: ' || t.n_tup_ins || ' chunks inserted' "
                      + "FROM pg_class c JOIN pg_stat_all_tables t ON t.relid = c.reltoastrelid "
                      + "WHERE c.relname = 'experiments' AND c.relnamespace = current_schema()::regnamespace")
              .mapTo(String.class)
              .forEach(System.out::println);
          System.out.println(autovacuum(h));
          System.out.println(busyBackends());
          h.execute("SELECT pg_stat_statements_reset()");
          h.execute("SELECT pg_stat_reset()");
          checkpointsAtReset = checkpoints;
        });
  }

  /**
   * The busy backends' states sampled since the last print, as backends on average (samples of the
   * state ÷ samples), the largest first; then starts counting afresh.
   */
  private String busyBackends() {
    int n = Math.max(1, samples.getAndSet(0));
    Map<String, Integer> seen = new HashMap<>(states);
    states.clear();
    String shares =
        seen.entrySet().stream()
            .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
            .map(e -> String.format(Locale.ROOT, "%s %.2f", e.getKey(), (double) e.getValue() / n))
            .collect(Collectors.joining(", "));
    return String.format(
        Locale.ROOT,
        "   busy backends on average (%d samples, %d ms apart): %s",
        n,
        SAMPLE_MILLIS,
        shares.isEmpty() ? "none" : shares);
  }

  /**
   * The autovacuum runs that ended in the phase (counted by table) and those still running: a
   * phase's time includes the vacuums of rows that earlier phases wrote, which share its cores.
   */
  private static String autovacuum(Handle h) {
    return h.createQuery(
            "SELECT '   autovacuum, ended meanwhile: ' || coalesce(string_agg(relname || ' ' "
                + "|| concat_ws(' and ', "
                + "CASE WHEN autovacuum_count > 0 THEN 'vacuumed ' || autovacuum_count END, "
                + "CASE WHEN autoanalyze_count > 0 THEN 'analysed ' || autoanalyze_count END), "
                + "', ' ORDER BY relname), 'none') || '; running: ' || coalesce(("
                + "SELECT string_agg(regexp_replace(query, '^autovacuum: ', ''), ', ') "
                + "FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'), 'none') "
                + "FROM pg_stat_user_tables WHERE autovacuum_count + autoanalyze_count > 0")
        .mapTo(String.class)
        .one();
  }

  /**
   * Checkpoints the server has begun, timed and requested: after each, the first change to a page
   * writes the whole page to the WAL (a full-page image, {@code FPI} above).
   */
  private static long checkpoints(Handle h) {
    return h.createQuery("SELECT num_timed + num_requested FROM pg_stat_checkpointer")
        .mapTo(Long.class)
        .one();
  }
}
