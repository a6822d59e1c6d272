package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Every health window of a managed service, written in one batch statement per consumed batch. */
public final class HealthWindowRepository {

  private static final String INSERT = insertStatement("health_windows");

  /**
   * The statement that inserts a batch of windows into {@code table}, every column bound as an
   * array (parameters {@code namespaces} … {@code received}); public so that the benchmark's
   * raw-PostgreSQL reference runs the very statement the pipeline runs.
   */
  public static String insertStatement(String table) {
    return "INSERT INTO "
        + TableNames.checked(table)
        + " (namespace, service, version, track, window_start, "
        + "window_end, requests, errors, p50_ms, p95_ms, p99_ms, cpu, memory, experiment_id, "
        + "step, event_source, event_id, received_at) "
        + "SELECT ns, svc, ver, tr, timestamptz 'epoch' + s * interval '1 microsecond', "
        + "timestamptz 'epoch' + e * interval '1 microsecond', r, x, a, b, c, cp, m, xid, st, "
        + "src, eid, timestamptz 'epoch' + rcv * interval '1 microsecond' "
        + "FROM unnest(:namespaces, :services, :versions, :tracks, :starts, :ends, :requests, "
        + ":errors, :p50, :p95, :p99, :cpu, :memory, :experimentIds, :steps, :sources, "
        + ":eventIds, :received) "
        + "AS v(ns, svc, ver, tr, s, e, r, x, a, b, c, cp, m, xid, st, src, eid, rcv)";
  }

  /** A window to store, with the experiment step it counted toward (both null for V2 health). */
  public record Row(
      HealthWindow window,
      String experimentId,
      Integer step,
      String eventSource,
      String eventId,
      Instant receivedAt) {}

  /**
   * A stored window of an experiment as the dashboard charts it; {@code track} is stored lower
   * case.
   */
  public record StoredWindow(
      long id,
      int step,
      String track,
      String version,
      Instant windowStart,
      Instant windowEnd,
      long requests,
      long errors,
      double p50Ms,
      double p95Ms,
      double p99Ms) {}

  public void insert(Tx h, List<Row> rows) {
    if (rows.isEmpty()) {
      return;
    }
    // One statement over arrays, one per column: the bulk path the pipeline benchmark's raw
    // reference takes. A prepared batch bound 18 named values per window, a tenth of the consumer
    // thread. Numeric columns travel in binary (BinaryArrays), not as text the server parses.
    int n = rows.size();
    String[] namespaces = new String[n];
    String[] services = new String[n];
    String[] versions = new String[n];
    String[] tracks = new String[n];
    Long[] starts = new Long[n];
    Long[] ends = new Long[n];
    Long[] requests = new Long[n];
    Long[] errors = new Long[n];
    Double[] p50 = new Double[n];
    Double[] p95 = new Double[n];
    Double[] p99 = new Double[n];
    Double[] cpu = new Double[n];
    Double[] memory = new Double[n];
    String[] experimentIds = new String[n];
    Integer[] steps = new Integer[n];
    String[] sources = new String[n];
    String[] eventIds = new String[n];
    Long[] received = new Long[n];
    for (int i = 0; i < n; i++) {
      Row row = rows.get(i);
      HealthWindow w = row.window();
      namespaces[i] = w.namespace();
      services[i] = w.service();
      versions[i] = w.version();
      tracks[i] = w.track().wire();
      starts[i] = roundedMicros(w.windowStart());
      ends[i] = roundedMicros(w.windowEnd());
      requests[i] = w.requests();
      errors[i] = w.errors();
      p50[i] = w.p50Ms();
      p95[i] = w.p95Ms();
      p99[i] = w.p99Ms();
      cpu[i] = w.cpuUtilization();
      memory[i] = w.memoryUtilization();
      experimentIds[i] = row.experimentId();
      steps[i] = row.step();
      sources[i] = row.eventSource();
      eventIds[i] = row.eventId();
      received[i] = roundedMicros(row.receivedAt());
    }
    h.createUpdate(INSERT)
        .bind("namespaces", BinaryArrays.text(namespaces))
        .bind("services", BinaryArrays.text(services))
        .bind("versions", BinaryArrays.text(versions))
        .bind("tracks", BinaryArrays.text(tracks))
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
        .bind("sources", BinaryArrays.text(sources))
        .bind("eventIds", BinaryArrays.text(eventIds))
        .bind("received", BinaryArrays.int8(received))
        .execute();
  }

  /**
   * Microseconds since the epoch, rounded half up as the PostgreSQL driver rounds a bound
   * timestamp's nanoseconds, so a window stores the same instant it did when bound as a timestamp.
   */
  static Long roundedMicros(Instant t) {
    return t == null
        ? null
        : Math.addExact(
            Math.multiplyExact(t.getEpochSecond(), 1_000_000L), (t.getNano() + 500) / 1000);
  }

  /** The windows that counted toward one step of one experiment (1-based step), oldest first. */
  public List<HealthWindow> ofStep(Tx h, String experimentId, int step) {
    return h.createQuery(
            "SELECT * FROM health_windows WHERE experiment_id = :id AND step = :step "
                + "ORDER BY window_end, id")
        .bind("id", experimentId)
        .bind("step", step)
        .map(HealthWindowRepository::window)
        .list();
  }

  /**
   * Every window of {@code service} in {@code namespace} (all tracks) ending in ({@code from},
   * {@code to}], oldest first, at most {@code limit}.
   */
  public List<HealthWindow> ofService(
      Tx h, String namespace, String service, Instant from, Instant to, int limit) {
    return h.createQuery(
            "SELECT * FROM health_windows WHERE namespace = :namespace AND service = :service "
                + "AND window_end > :from AND window_end <= :to ORDER BY window_end, id LIMIT :limit")
        .bind("namespace", namespace)
        .bind("service", service)
        .bind("from", ts(from))
        .bind("to", ts(to))
        .bind("limit", limit)
        .map(HealthWindowRepository::window)
        .list();
  }

  /**
   * The newest {@code limit} windows of an experiment (every track), only those of {@code step}
   * unless it is null, returned oldest first.
   */
  public List<StoredWindow> newestOf(Tx h, String experimentId, Integer step, int limit) {
    Query q =
        h.createQuery(
                "SELECT * FROM (SELECT id, step, track, version, window_start, window_end, requests, "
                    + "errors, p50_ms, p95_ms, p99_ms FROM health_windows WHERE experiment_id = :id"
                    + (step == null ? "" : " AND step = :step")
                    + " ORDER BY window_end DESC, id DESC LIMIT :limit) newest ORDER BY window_end, id")
            .bind("id", experimentId)
            .bind("limit", limit);
    if (step != null) {
      q.bind("step", step);
    }
    return q.map(
            (rs, ctx) ->
                new StoredWindow(
                    rs.getLong("id"),
                    rs.getInt("step"),
                    rs.getString("track"),
                    rs.getString("version"),
                    instant(rs, "window_start"),
                    instant(rs, "window_end"),
                    rs.getLong("requests"),
                    rs.getLong("errors"),
                    rs.getDouble("p50_ms"),
                    rs.getDouble("p95_ms"),
                    rs.getDouble("p99_ms")))
        .list();
  }

  private static HealthWindow window(ResultSet rs, StatementContext ctx) throws SQLException {
    return new HealthWindow(
        rs.getString("service"),
        rs.getString("version"),
        HealthWindow.Track.valueOf(rs.getString("track").toUpperCase(Locale.ROOT)),
        instant(rs, "window_start"),
        instant(rs, "window_end"),
        rs.getLong("requests"),
        rs.getLong("errors"),
        rs.getDouble("p50_ms"),
        rs.getDouble("p95_ms"),
        rs.getDouble("p99_ms"),
        (Double) rs.getObject("cpu"),
        (Double) rs.getObject("memory"),
        rs.getString("namespace"));
  }
}
