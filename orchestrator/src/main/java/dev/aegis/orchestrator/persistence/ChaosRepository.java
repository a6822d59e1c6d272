package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.Collection;
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
   * faults on that service name that named no namespace. Aegis's own injections count from the
   * moment they are recorded, not from when their announcement on {@code aegis.chaos} is read back,
   * so a window judged in between still names the fault; the announcement wins when both exist.
   */
  public List<Fault> activeBetween(
      Tx h, String namespace, String service, Instant from, Instant to) {
    return activeAmong(h, List.of(service), from, to).stream()
        .filter(f -> f.namespace() == null || f.namespace().equals(namespace))
        .toList();
  }

  /**
   * The faults of any service in {@code services} (any namespace) active at some moment of [from,
   * to], in start order: {@link #activeBetween} for a whole batch, whose caller picks each
   * service's.
   */
  public List<Fault> activeAmong(Tx h, Collection<String> services, Instant from, Instant to) {
    if (services.isEmpty()) {
      return List.of();
    }
    return h.createQuery(
            "SELECT * FROM (SELECT DISTINCT ON (fault_id) * FROM ("
                + "SELECT fault_id, namespace, service, track, kind, started_at, expires_at, cleared_at, "
                + "0 AS source FROM chaos_faults UNION ALL "
                + "SELECT fault_id, namespace, service, track, kind, started_at, expires_at, "
                + "ended_at AS cleared_at, 1 AS source FROM chaos_injections WHERE state <> 'FAILED'"
                + ") announced_or_injected ORDER BY fault_id, source) f WHERE service = ANY(:services) "
                + "AND started_at <= :to "
                + "AND LEAST(expires_at, COALESCE(cleared_at, expires_at)) >= :from ORDER BY started_at")
        .bind("services", BinaryArrays.text(services.toArray(String[]::new)))
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
