package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import dev.aegis.orchestrator.judgment.HealthWindow;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.Query;
import org.jdbi.v3.core.statement.StatementContext;

/** Every health window of a managed service, written in one batch statement per consumed batch. */
public final class HealthWindowRepository {

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
    PreparedBatch batch =
        h.prepareBatch(
            "INSERT INTO health_windows (namespace, service, version, track, "
                + "window_start, window_end, requests, errors, p50_ms, p95_ms, p99_ms, cpu, memory, "
                + "experiment_id, step, event_source, event_id, received_at) VALUES (:namespace, :service, :version, "
                + ":track, :start, :end, :requests, :errors, :p50, :p95, :p99, :cpu, :memory, :experimentId, "
                + ":step, :source, :eventId, :receivedAt)");
    for (Row row : rows) {
      HealthWindow w = row.window();
      batch
          .bind("namespace", w.namespace())
          .bind("service", w.service())
          .bind("version", w.version())
          .bind("track", w.track().name().toLowerCase(Locale.ROOT))
          .bind("start", ts(w.windowStart()))
          .bind("end", ts(w.windowEnd()))
          .bind("requests", w.requests())
          .bind("errors", w.errors())
          .bind("p50", w.p50Ms())
          .bind("p95", w.p95Ms())
          .bind("p99", w.p99Ms())
          .bind("cpu", w.cpuUtilization())
          .bind("memory", w.memoryUtilization())
          .bind("experimentId", row.experimentId())
          .bind("step", row.step())
          .bind("source", row.eventSource())
          .bind("eventId", row.eventId())
          .bind("receivedAt", ts(row.receivedAt()))
          .add();
    }
    batch.execute();
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
