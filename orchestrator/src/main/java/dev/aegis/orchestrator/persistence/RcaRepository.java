package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/** RCA records, one per quarantine, and the quarantine memory of images they imply. */
public final class RcaRepository {

  /** A stored RCA: the record as JSON text, and whether the quarantine was released. */
  public record StoredRca(
      String id,
      String experimentId,
      String service,
      String candidateVersion,
      String candidateImage,
      String recordJson,
      Instant recordedAt,
      Instant releasedAt,
      String releasedBy,
      String releaseReason) {}

  /**
   * An open quarantine that failed a p95-latency check, with the production version of its
   * experiment.
   */
  public record LatencyQuarantine(
      String id,
      String service,
      String namespace,
      String candidateVersion,
      String productionVersion) {}

  public void insert(
      Tx h,
      String id,
      String experimentId,
      String service,
      String version,
      String image,
      String recordJson,
      Instant now) {
    h.createUpdate(
            "INSERT INTO rca_records (id, experiment_id, service, candidate_version, "
                + "candidate_image, record, recorded_at) VALUES (:id, :experimentId, :service, :version, "
                + ":image, :record::jsonb, :now)")
        .bind("id", id)
        .bind("experimentId", experimentId)
        .bind("service", service)
        .bind("version", version)
        .bind("image", image)
        .bind("record", recordJson)
        .bind("now", ts(now))
        .execute();
  }

  public Optional<StoredRca> find(Tx h, String id) {
    return h.createQuery(SELECT + " WHERE id = :id")
        .bind("id", id)
        .map(RcaRepository::map)
        .findOne();
  }

  /** The open (not released) quarantine of {@code image}, if any. */
  public Optional<StoredRca> openForImage(Tx h, String image) {
    return h.createQuery(
            SELECT
                + " WHERE candidate_image = :image AND released_at IS NULL "
                + "ORDER BY recorded_at DESC LIMIT 1")
        .bind("image", image)
        .map(RcaRepository::map)
        .findOne();
  }

  /**
   * RCA records, newest first, of experiments in {@code scope} (a record whose experiment is gone,
   * archived by the retention sweep, has no namespace left to be in: only {@link
   * NamespaceScope#ALL} lists it).
   */
  public List<StoredRca> list(Tx h, boolean includeReleased, NamespaceScope scope, int limit) {
    String inScope =
        scope.isAll()
            ? "true"
            : "EXISTS (SELECT 1 FROM experiments e WHERE e.id = rca_records.experiment_id AND "
                + scope.condition("e.namespace")
                + ")";
    return scope
        .bind(
            h.createQuery(
                SELECT
                    + " WHERE "
                    + inScope
                    + (includeReleased ? "" : " AND released_at IS NULL")
                    + " ORDER BY recorded_at DESC LIMIT :limit"))
        .bind("limit", limit)
        .map(RcaRepository::map)
        .list();
  }

  public void release(Tx h, String id, String actor, String reason, Instant now) {
    h.createUpdate(
            "UPDATE rca_records SET released_at = :now, released_by = :actor, "
                + "release_reason = :reason WHERE id = :id AND released_at IS NULL")
        .bind("now", ts(now))
        .bind("actor", actor)
        .bind("reason", reason)
        .bind("id", id)
        .execute();
  }

  /** Every open (not released) quarantine whose RCA has a p95-latency check. */
  public List<LatencyQuarantine> openLatencyQuarantines(Tx h) {
    return h.createQuery(
            """
            SELECT r.id, r.service, e.namespace, r.candidate_version, e.production_version
            FROM rca_records r JOIN experiments e ON e.id = r.experiment_id
            WHERE r.released_at IS NULL AND EXISTS (
              SELECT 1 FROM jsonb_array_elements(r.record->'checks') c WHERE c->>'check' = 'p95-latency')""")
        .map(
            (rs, ctx) ->
                new LatencyQuarantine(
                    rs.getString("id"),
                    rs.getString("service"),
                    rs.getString("namespace"),
                    rs.getString("candidate_version"),
                    rs.getString("production_version")))
        .list();
  }

  private static final String SELECT =
      "SELECT id, experiment_id, service, candidate_version, "
          + "candidate_image, record::text AS record, recorded_at, released_at, released_by, "
          + "release_reason FROM rca_records";

  private static StoredRca map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new StoredRca(
        rs.getString("id"),
        rs.getString("experiment_id"),
        rs.getString("service"),
        rs.getString("candidate_version"),
        rs.getString("candidate_image"),
        rs.getString("record"),
        instant(rs, "recorded_at"),
        instant(rs, "released_at"),
        rs.getString("released_by"),
        rs.getString("release_reason"));
  }
}
