package dev.aegis.orchestrator.suggestions;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The experiment generator: rules over what Aegis recorded (transitions with their judgments, RCAs, the
 * audit log) that propose the next experiment. Each rule is a query plus a threshold, and each suggestion
 * carries the figures it rests on.
 *
 * <ul>
 *   <li>{@code shorter-steps}: the last {@value #MIN_EXPERIMENTS}+ promoted experiments of a service passed
 *       every step with wide margins (error rate under a quarter of the SLO, p95 under half of it), so its
 *       steps could be shorter;
 *   <li>{@code production-keeps-scaling}: production was scaled up by Aegis {@value #MIN_SCALE_UPS}+ times in
 *       {@link #SCALE_WINDOW}, so its base capacity or resource limits are too small;
 *   <li>{@code latency-quarantine}: a quarantined version failed on latency, so re-running it with the
 *       previous version's resource limits tells a capacity problem from a code problem.
 * </ul>
 */
public class SuggestionService {

  static final int MIN_EXPERIMENTS = 3;
  static final int MIN_SCALE_UPS = 3;
  static final Duration SCALE_WINDOW = Duration.ofDays(7);
  static final double ERROR_MARGIN = 0.25;
  static final double LATENCY_MARGIN = 0.5;

  private final Jdbi jdbi;
  private final Clock clock;

  public SuggestionService(Jdbi jdbi, Clock clock) {
    this.jdbi = jdbi;
    this.clock = clock;
  }

  public List<Suggestion> suggestions() {
    return jdbi.withHandle(h -> {
      List<Suggestion> out = new ArrayList<>();
      out.addAll(shorterSteps(h));
      out.addAll(productionKeepsScaling(h));
      out.addAll(latencyQuarantines(h));
      return out;
    });
  }

  private List<Suggestion> shorterSteps(Handle h) {
    // Per service: its promoted experiments, and over all their passed steps the largest share of the SLO used.
    return h.createQuery("""
            WITH promoted AS (
              SELECT e.id, e.namespace, e.service FROM experiments e WHERE e.phase = 'PROMOTED'),
            checks AS (
              SELECT p.namespace, p.service, p.id AS experiment, c->>'name' AS name,
                     (c->>'observed')::float8 / NULLIF((c->>'threshold')::float8, 0) AS used
              FROM promoted p JOIN transitions t ON t.experiment_id = p.id
              CROSS JOIN LATERAL jsonb_array_elements(t.evidence->'checks') c
              WHERE t.trigger IN ('STEP_PASSED', 'FINAL_STEP_PASSED') AND t.evidence IS NOT NULL)
            SELECT namespace, service, count(DISTINCT experiment) AS experiments, count(*) FILTER (WHERE name = 'error-rate') AS steps,
                   max(used) FILTER (WHERE name = 'error-rate') AS error_used,
                   max(used) FILTER (WHERE name = 'p95-latency') AS latency_used
            FROM checks GROUP BY namespace, service""")
        .map((rs, ctx) -> {
          String service = rs.getString("service");
          String namespace = rs.getString("namespace");
          int experiments = rs.getInt("experiments");
          double errorUsed = rs.getDouble("error_used");
          double latencyUsed = rs.getDouble("latency_used");
          if (experiments < MIN_EXPERIMENTS || errorUsed > ERROR_MARGIN || latencyUsed > LATENCY_MARGIN) {
            return null;
          }
          Map<String, Object> evidence = new LinkedHashMap<>();
          evidence.put("promotedExperiments", experiments);
          evidence.put("passedSteps", rs.getInt("steps"));
          evidence.put("maxErrorRateShareOfSlo", round(errorUsed));
          evidence.put("maxP95ShareOfSlo", round(latencyUsed));
          return new Suggestion("shorter-steps", service, "Shorter canary steps for " + service,
              String.format(Locale.ROOT, "The last %d promoted experiments of %s passed all %d steps using at most "
                  + "%.0f%% of the error-rate objective and %.0f%% of the p95 objective. Try steps half as long.",
                  experiments, service, rs.getInt("steps"), errorUsed * 100, latencyUsed * 100), evidence, namespace);
        })
        .list().stream().filter(java.util.Objects::nonNull).toList();
  }

  private List<Suggestion> productionKeepsScaling(Handle h) {
    Instant since = clock.instant().minus(SCALE_WINDOW);
    return h.createQuery("""
            SELECT target AS service, detail->>'namespace' AS namespace, count(*) AS scale_ups, max(at) AS last_at,
                   (array_agg(detail->>'reason' ORDER BY at DESC))[1] AS last_reason
            FROM audit_log WHERE action = 'service.scale' AND actor LIKE 'aegis%' AND at >= :since
            GROUP BY target, detail->>'namespace' HAVING count(*) >= :min""")
        .bind("since", java.sql.Timestamp.from(since)).bind("min", MIN_SCALE_UPS)
        .map((rs, ctx) -> {
          String service = rs.getString("service");
          Map<String, Object> evidence = new LinkedHashMap<>();
          evidence.put("scaleUps", rs.getInt("scale_ups"));
          evidence.put("days", SCALE_WINDOW.toDays());
          evidence.put("lastAt", rs.getTimestamp("last_at").toInstant().toString());
          evidence.put("lastReason", rs.getString("last_reason"));
          return new Suggestion("production-keeps-scaling", service, "Raise the base capacity of " + service,
              "Aegis scaled production of " + service + " up " + rs.getInt("scale_ups") + " times in "
                  + SCALE_WINDOW.toDays() + " days (last: " + rs.getString("last_reason") + "). Run an experiment "
                  + "with more replicas or higher CPU/memory limits as the candidate.", evidence,
              rs.getString("namespace"));
        }).list();
  }

  private List<Suggestion> latencyQuarantines(Handle h) {
    return h.createQuery("""
            SELECT r.id, r.service, e.namespace, r.candidate_version, e.production_version
            FROM rca_records r JOIN experiments e ON e.id = r.experiment_id
            WHERE r.released_at IS NULL AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(r.record->'checks') c WHERE c->>'check' = 'p95-latency')""")
        .map((rs, ctx) -> {
          String service = rs.getString("service");
          String version = rs.getString("candidate_version");
          Map<String, Object> evidence = new LinkedHashMap<>();
          evidence.put("rca", "/api/v1/quarantine/" + rs.getString("id") + "/rca");
          evidence.put("quarantinedVersion", version);
          evidence.put("productionVersion", rs.getString("production_version"));
          return new Suggestion("latency-quarantine", service, "Re-run " + service + " " + version
                  + " with the previous resource limits",
              service + " " + version + " was quarantined for p95 latency. Re-run it with the resource limits of "
                  + (rs.getString("production_version") == null ? "production" : rs.getString("production_version"))
                  + ": if it passes, the limits (not the code) caused the slowdown.", evidence,
              rs.getString("namespace"));
        }).list();
  }

  private static double round(double value) {
    return Math.round(value * 1000) / 1000.0;
  }
}
