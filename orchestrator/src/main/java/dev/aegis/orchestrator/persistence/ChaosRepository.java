package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.List;

/** Chaos faults announced on {@code aegis.chaos}, kept so an RCA can say which were active. */
public final class ChaosRepository {

  /**
   * One fault and, once cleared, when; {@code namespace} null when the fault named none (any
   * namespace).
   */
  public record Fault(
      String faultId,
      String namespace,
      String service,
      String track,
      String kind,
      Instant startedAt,
      Instant expiresAt,
      Instant clearedAt) {}

  public void injected(Tx h, Fault fault, String eventId) {
    h.createUpdate(
            "INSERT INTO chaos_faults (fault_id, namespace, service, track, kind, started_at, expires_at, "
                + "event_id) VALUES (:id, :namespace, :service, :track, :kind, :started, :expires, :eventId) "
                + "ON CONFLICT (fault_id) DO NOTHING")
        .bind("id", fault.faultId())
        .bind("namespace", fault.namespace())
        .bind("service", fault.service())
        .bind("track", fault.track())
        .bind("kind", fault.kind())
        .bind("started", ts(fault.startedAt()))
        .bind("expires", ts(fault.expiresAt()))
        .bind("eventId", eventId)
        .execute();
  }

  /**
   * Marks a fault cleared; a clear that arrives before its injection records the fault as cleared.
   */
  public void cleared(Tx h, Fault fault, Instant at, String eventId) {
    injected(h, fault, eventId);
    h.createUpdate(
            "UPDATE chaos_faults SET cleared_at = :at WHERE fault_id = :id AND cleared_at IS NULL")
        .bind("at", ts(at))
        .bind("id", fault.faultId())
        .execute();
  }

  /**
   * Faults on {@code service} in {@code namespace} active at any moment within [from, to], with the
   * faults on that service name that named no namespace.
   */
  public List<Fault> activeBetween(
      Tx h, String namespace, String service, Instant from, Instant to) {
    return h.createQuery(
            "SELECT * FROM chaos_faults WHERE service = :service "
                + "AND (namespace IS NULL OR namespace = :namespace) AND started_at <= :to "
                + "AND LEAST(expires_at, COALESCE(cleared_at, expires_at)) >= :from ORDER BY started_at")
        .bind("namespace", namespace)
        .bind("service", service)
        .bind("from", ts(from))
        .bind("to", ts(to))
        .map(
            (rs, ctx) ->
                new Fault(
                    rs.getString("fault_id"),
                    rs.getString("namespace"),
                    rs.getString("service"),
                    rs.getString("track"),
                    rs.getString("kind"),
                    instant(rs, "started_at"),
                    instant(rs, "expires_at"),
                    instant(rs, "cleared_at")))
        .list();
  }
}
