package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** The services Aegis manages (one row from a service's first experiment on) and their production versions. */
public final class ServiceRepository {

  /**
   * @param productionVersion the V2 version, or null before the first promotion
   * @param previousProductionVersion the rollback target kept at the last promotion, or null (none, or used)
   */
  public record ManagedService(String name, String namespace, String productionVersion,
      String previousProductionVersion, Instant managedSince, Instant updatedAt) {}

  private static final String COLUMNS =
      "name, namespace, production_version, previous_production_version, managed_since, updated_at";

  public List<ManagedService> list(Handle h) {
    return h.createQuery("SELECT " + COLUMNS + " FROM services ORDER BY name").map(ServiceRepository::map).list();
  }

  public Optional<ManagedService> find(Handle h, String name) {
    return h.createQuery("SELECT " + COLUMNS + " FROM services WHERE name = :name").bind("name", name)
        .map(ServiceRepository::map).findOne();
  }

  /** The service, locked against concurrent submissions, promotions and rollbacks until the transaction ends. */
  public Optional<ManagedService> findForUpdate(Handle h, String name) {
    return h.createQuery("SELECT " + COLUMNS + " FROM services WHERE name = :name FOR UPDATE").bind("name", name)
        .map(ServiceRepository::map).findOne();
  }

  /** Production returns to the previous V2; the rollback target is used up (as on the cluster). */
  public void rollBackProduction(Handle h, String name, Instant now) {
    h.createUpdate("UPDATE services SET production_version = previous_production_version, "
            + "previous_production_version = NULL, updated_at = :now WHERE name = :name")
        .bind("name", name).bind("now", ts(now)).execute();
  }

  private static ManagedService map(java.sql.ResultSet rs, StatementContext ctx) throws java.sql.SQLException {
    return new ManagedService(rs.getString("name"), rs.getString("namespace"), rs.getString("production_version"),
        rs.getString("previous_production_version"), instant(rs, "managed_since"), instant(rs, "updated_at"));
  }
}
