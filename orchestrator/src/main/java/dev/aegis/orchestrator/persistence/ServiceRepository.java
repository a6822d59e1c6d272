package dev.aegis.orchestrator.persistence;

import static dev.aegis.orchestrator.persistence.ExperimentRepository.instant;
import static dev.aegis.orchestrator.persistence.ExperimentRepository.ts;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * The services Aegis manages (one row from a service's first experiment on) and their production
 * versions. A service is (namespace, name): the same name in two namespaces is two services.
 */
public final class ServiceRepository {

  /**
   * @param productionVersion the V2 version, or null before the first promotion
   * @param previousProductionVersion the rollback target kept at the last promotion, or null (none,
   *     or used)
   */
  public record ManagedService(
      String name,
      String namespace,
      String productionVersion,
      String previousProductionVersion,
      Instant managedSince,
      Instant updatedAt) {}

  private static final String COLUMNS =
      "name, namespace, production_version, previous_production_version, managed_since, updated_at";

  /**
   * Up to {@code limit} services in {@code scope} (and in {@code namespace} when not null), by name
   * then namespace, from the one after {@code after} (null: from the first).
   */
  public List<ManagedService> page(
      Tx h,
      NamespaceScope scope,
      String namespace,
      ExperimentRepository.ServiceRef after,
      int limit) {
    StringBuilder sql =
        new StringBuilder(
            "SELECT " + COLUMNS + " FROM services WHERE " + scope.condition("namespace"));
    if (namespace != null) {
      sql.append(" AND namespace = :namespace");
    }
    if (after != null) {
      sql.append(" AND (name, namespace) > (:afterName, :afterNamespace)");
    }
    sql.append(" ORDER BY name, namespace LIMIT :limit");
    var query = scope.bind(h.createQuery(sql.toString())).bind("limit", limit);
    if (namespace != null) {
      query.bind("namespace", namespace);
    }
    if (after != null) {
      query.bind("afterName", after.service()).bind("afterNamespace", after.namespace());
    }
    return query.map(ServiceRepository::map).list();
  }

  public Optional<ManagedService> find(Tx h, String namespace, String name) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM services WHERE namespace = :namespace AND name = :name")
        .bind("namespace", namespace)
        .bind("name", name)
        .map(ServiceRepository::map)
        .findOne();
  }

  /**
   * The service {@code name} in {@code namespace}; when {@code namespace} is null, the one managed
   * service of that name.
   *
   * @throws AmbiguousServiceException when {@code namespace} is null and several namespaces have
   *     the name
   */
  public Optional<ManagedService> resolve(Tx h, String namespace, String name) {
    if (namespace != null) {
      return find(h, namespace, name);
    }
    List<ManagedService> named = named(h, name);
    if (named.size() > 1) {
      throw new AmbiguousServiceException(
          name, named.stream().map(ManagedService::namespace).toList());
    }
    return named.stream().findFirst();
  }

  /** Every managed service called {@code name}, one per namespace, by namespace. */
  public List<ManagedService> named(Tx h, String name) {
    return h.createQuery(
            "SELECT " + COLUMNS + " FROM services WHERE name = :name ORDER BY namespace")
        .bind("name", name)
        .map(ServiceRepository::map)
        .list();
  }

  /**
   * The service, locked against concurrent submissions, promotions and rollbacks until the
   * transaction ends.
   */
  public Optional<ManagedService> findForUpdate(Tx h, String namespace, String name) {
    return h.createQuery(
            "SELECT "
                + COLUMNS
                + " FROM services WHERE namespace = :namespace AND name = :name "
                + "FOR UPDATE")
        .bind("namespace", namespace)
        .bind("name", name)
        .map(ServiceRepository::map)
        .findOne();
  }

  /** Production returns to the previous V2; the rollback target is used up (as on the cluster). */
  public void rollBackProduction(Tx h, String namespace, String name, Instant now) {
    h.createUpdate(
            "UPDATE services SET production_version = previous_production_version, "
                + "previous_production_version = NULL, updated_at = :now WHERE namespace = :namespace AND name = :name")
        .bind("namespace", namespace)
        .bind("name", name)
        .bind("now", ts(now))
        .execute();
  }

  private static ManagedService map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new ManagedService(
        rs.getString("name"),
        rs.getString("namespace"),
        rs.getString("production_version"),
        rs.getString("previous_production_version"),
        instant(rs, "managed_since"),
        instant(rs, "updated_at"));
  }
}
