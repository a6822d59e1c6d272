package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * V6 keys services by (namespace, name). A database holding rows written under V5 (services keyed
 * by name) is migrated in place: every row keeps its data and gains its namespace, and afterwards
 * the same name may be managed in a second namespace, each with its own live experiment.
 */
class ServicesByNamespaceMigrationIT {

  private static TestDatabase database;
  private static Jdbi owner;

  @BeforeAll
  static void migrateToV5SeedThenMigrateToLatest() {
    database = SharedInfrastructure.postgres().createDatabase();
    database.migrateTo("5");
    owner = database.jdbi();
    owner.useHandle(
        h -> {
          h.execute(
              "INSERT INTO services (name, namespace, production_version, previous_production_version, "
                  + "managed_since, updated_at) VALUES ('ledger', 'shop', 'v1', 'v0', now(), now()), "
                  + "('till', 'pay', NULL, NULL, now(), now())");
          h.execute(
              "INSERT INTO experiments (id, service, namespace, candidate_version, candidate_image, policy, "
                  + "phase, step_index, progress, version, submitted_at, submitted_by, origin, updated_at) VALUES "
                  + "('exp-live', 'ledger', 'shop', 'v2', 'registry/ledger:v2', '{}', 'CANARY', 0, '{}', 1, now(), 'alice', "
                  + "'rest', now())");
          h.execute(
              "INSERT INTO production_guards (service, state, updated_at) VALUES ('ledger', '{}', now())");
          h.execute(
              "INSERT INTO health_windows (service, version, track, window_start, window_end, requests, errors, "
                  + "p50_ms, p95_ms, p99_ms, experiment_id, step, event_source, event_id, received_at) VALUES "
                  + "('ledger', 'v2', 'canary', now() - interval '1 minute', now(), 100, 0, 1, 2, 3, 'exp-live', 1, "
                  + "'/monitor', 'w-1', now()), "
                  + "('till', 'v1', 'stable', now() - interval '1 minute', now(), 100, 0, 1, 2, 3, NULL, NULL, "
                  + "'/monitor', 'w-2', now())");
          h.execute(
              "INSERT INTO chaos_faults (fault_id, service, track, kind, started_at, expires_at, event_id) "
                  + "VALUES ('f-1', 'ledger', 'canary', 'latency', now(), now() + interval '1 minute', 'c-1')");
        });
    database.migrate();
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  private static List<String> strings(String sql) {
    return owner.withHandle(h -> h.createQuery(sql).mapTo(String.class).list());
  }

  @Test
  @DisplayName(
      "services, guard state and health windows keep their rows and gain the namespace they already had")
  void rowsMigrateInPlace() {
    assertThat(
            strings(
                "SELECT namespace || '/' || name || '/' || COALESCE(production_version, '-') || '/' "
                    + "|| COALESCE(previous_production_version, '-') FROM services "
                    + "WHERE (namespace, name) IN (('shop', 'ledger'), ('pay', 'till')) ORDER BY name"))
        .containsExactly("shop/ledger/v1/v0", "pay/till/-/-");
    assertThat(strings("SELECT namespace || '/' || service FROM production_guards"))
        .containsExactly("shop/ledger");
    assertThat(strings("SELECT event_id || ':' || namespace FROM health_windows ORDER BY event_id"))
        .containsExactly("w-1:shop", "w-2:pay");
    assertThat(strings("SELECT fault_id || ':' || COALESCE(namespace, 'any') FROM chaos_faults"))
        .containsExactly("f-1:any");
    assertThat(
            strings(
                "SELECT id || ':' || namespace || '/' || service || ':' || phase FROM experiments WHERE id = 'exp-live'"))
        .containsExactly("exp-live:shop/ledger:CANARY");
  }

  @Test
  @DisplayName(
      "after V6 the same name lives in a second namespace with its own live experiment; one live per service holds")
  void sameNameInAnotherNamespace() {
    owner.useHandle(
        h -> {
          h.execute(
              "INSERT INTO services (name, namespace, managed_since, updated_at) "
                  + "VALUES ('ledger', 'pay', now(), now())");
          h.execute(
              "INSERT INTO experiments (id, service, namespace, candidate_version, candidate_image, policy, "
                  + "phase, step_index, progress, version, submitted_at, submitted_by, origin, updated_at) VALUES "
                  + "('exp-pay', 'ledger', 'pay', 'v9', 'registry/ledger:v9', '{}', 'CANARY', 0, '{}', 1, now(), 'bob', "
                  + "'rest', now())");
        });
    assertThat(
            strings(
                "SELECT namespace FROM experiments WHERE service = 'ledger' AND phase = 'CANARY' "
                    + "ORDER BY namespace"))
        .containsExactly("pay", "shop");

    assertThatThrownBy(
            () ->
                owner.useHandle(
                    h ->
                        h.execute(
                            "INSERT INTO experiments (id, service, namespace, "
                                + "candidate_version, candidate_image, policy, phase, step_index, progress, version, submitted_at, "
                                + "submitted_by, origin, updated_at) VALUES ('exp-pay-2', 'ledger', 'pay', 'v10', 'registry/ledger:v10', "
                                + "'{}', 'CANARY', 0, '{}', 1, now(), 'bob', 'rest', now())")))
        .hasMessageContaining("experiments_one_live_per_service");
    assertThatThrownBy(
            () ->
                owner.useHandle(
                    h ->
                        h.execute(
                            "INSERT INTO experiments (id, service, namespace, "
                                + "candidate_version, candidate_image, policy, phase, step_index, progress, version, submitted_at, "
                                + "submitted_by, origin, updated_at) VALUES ('exp-orphan', 'ledger', 'nowhere', 'v1', 'registry/ledger:v1', "
                                + "'{}', 'QUEUED', 0, '{}', 1, now(), 'bob', 'rest', now())")))
        .hasMessageContaining("experiments_service_fkey");
  }
}
