package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.persistence.RcaRepository;
import dev.aegis.orchestrator.persistence.Tx;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Optional;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The application role, connected as the application connects, cannot rewrite or erase history: not
 * the audit log, not transitions, not RCA records beyond their release, and not the triggers that
 * guard them. Migrations ran as the owner role.
 */
class DatabasePrivilegesIT {

  private static final Instant AT = Instant.parse("2025-06-01T00:00:00Z");
  private static TestDatabase database;
  private static Jdbi app;

  @BeforeAll
  static void migrateAsOwnerAndSeedAsApplication() {
    database = SharedInfrastructure.postgres().createDatabase().migrate();
    app = database.appJdbi();
    app.useHandle(
        h -> {
          h.execute(
              "INSERT INTO services (name, namespace, managed_since, updated_at) "
                  + "VALUES ('checkout', 'shop', now(), now())");
          h.execute(
              "INSERT INTO experiments (id, service, namespace, candidate_version, candidate_image, "
                  + "policy, phase, step_index, progress, version, submitted_at, submitted_by, origin, updated_at) "
                  + "VALUES ('exp-1', 'checkout', 'shop', 'v2', 'registry/checkout:v2', '{}', 'QUARANTINED', 0, "
                  + "'{}', 1, now(), 'alice', 'rest', now())");
          h.execute(
              "INSERT INTO transitions (experiment_id, to_phase, trigger, step, weight, reason, actor, at) "
                  + "VALUES ('exp-1', 'CANARY', 'SUBMITTED', 0, 10, 'started', 'alice', now())");
          h.execute(
              "INSERT INTO audit_log (at, actor, action, target) VALUES (now(), 'alice', 'submit', 'exp-1')");
          new RcaRepository()
              .insert(
                  Tx.of(h),
                  "exp-1",
                  "exp-1",
                  "checkout",
                  "v2",
                  "registry/checkout:v2",
                  "{\"checks\": []}",
                  AT);
        });
  }

  @AfterAll
  static void drop() {
    database.close();
  }

  @Test
  @DisplayName("the application role's DELETE FROM audit_log is refused, and the row stays")
  void auditCannotBeDeleted() {
    assertRefused("DELETE FROM audit_log");
    assertThat(count("audit_log")).isEqualTo(1);
  }

  @ParameterizedTest(name = "refused to the application role: {0}")
  @ValueSource(
      strings = {
        "UPDATE transitions SET reason = 'rewritten'",
        "DELETE FROM transitions",
        "UPDATE audit_log SET actor = 'mallory'",
        "TRUNCATE audit_log",
        "TRUNCATE transitions",
        "DELETE FROM rca_records",
        "UPDATE rca_records SET record = '{}'",
        "UPDATE rca_records SET candidate_image = 'registry/other:v1'",
        "DELETE FROM experiments_archive",
        "DROP TRIGGER transitions_append_only ON transitions",
        "DROP TRIGGER audit_log_append_only ON audit_log",
        "DROP TRIGGER rca_records_append_only ON rca_records",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "DROP FUNCTION forbid_change() CASCADE",
        "CREATE TABLE shadow (v text)",
        "DELETE FROM flyway_schema_history"
      })
  void historyAndSchemaAreOutOfReach(String sql) {
    assertRefused(sql);
  }

  @Test
  @DisplayName("the history is intact after every attempt")
  void historyIsIntact() {
    assertRefused("UPDATE transitions SET reason = 'rewritten'");
    String reason =
        app.withHandle(
            h -> h.createQuery("SELECT reason FROM transitions").mapTo(String.class).one());
    assertThat(reason).isEqualTo("started");
    int triggers =
        app.withHandle(
            h ->
                h.createQuery(
                        "SELECT count(*) FROM pg_trigger WHERE tgname IN ('transitions_append_only', "
                            + "'audit_log_append_only', 'rca_records_append_only', 'rca_records_release_only')")
                    .mapTo(Integer.class)
                    .one());
    assertThat(triggers).isEqualTo(4);
  }

  @Test
  @DisplayName(
      "a quarantine release sets the release columns once; the owner cannot change an RCA either")
  void releaseIsTheOnlyUpdate() {
    RcaRepository rcas = new RcaRepository();
    app.useHandle(h -> rcas.release(Tx.of(h), "exp-1", "bob", "false alarm", AT));

    RcaRepository.StoredRca released =
        app.withHandle(h -> rcas.find(Tx.of(h), "exp-1")).orElseThrow();
    assertThat(released.releasedBy()).isEqualTo("bob");
    assertThat(released.releaseReason()).isEqualTo("false alarm");
    assertThatThrownBy(
            () -> app.useHandle(h -> h.execute("UPDATE rca_records SET released_by = 'mallory'")))
        .as("a release is set once")
        .hasMessageContaining("append-only");
    assertThatThrownBy(
            () -> database.jdbi().useHandle(h -> h.execute("UPDATE rca_records SET record = '{}'")))
        .as("the trigger binds the owner too")
        .hasMessageContaining("append-only");
    assertThatThrownBy(() -> database.jdbi().useHandle(h -> h.execute("DELETE FROM audit_log")))
        .hasMessageContaining("append-only");
  }

  @Test
  @DisplayName("a transition still needs an existing experiment")
  void transitionsNeedAnExperiment() {
    assertThatThrownBy(
            () ->
                app.useHandle(
                    h ->
                        h.execute(
                            "INSERT INTO transitions "
                                + "(experiment_id, to_phase, trigger, step, weight, reason, actor, at) "
                                + "VALUES ('nope', 'CANARY', 'SUBMITTED', 0, 10, 'x', 'alice', now())")))
        .hasMessageContaining("experiment nope does not exist");
  }

  @Test
  @DisplayName(
      "a standalone database created as the superuser by an earlier version is handed to the owner role and narrowed for the application")
  void anOldStandaloneDatabaseIsAdopted() throws SQLException {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true)) {
      server.createDatabase("aegis");
      DatabaseUrl superuser = server.connection("aegis");
      DatabaseRoles.withAppRole(
              Flyway.configure().dataSource(superuser.jdbcUrl(), superuser.username(), null), null)
          .target("3")
          .load()
          .migrate();

      server.prepareApplicationDatabase("aegis");
      DatabaseUrl owner = server.connection("aegis", DatabaseRoles.EMBEDDED_OWNER);
      DatabaseRoles.withAppRole(
              Flyway.configure().dataSource(owner.jdbcUrl(), owner.username(), null),
              DatabaseRoles.EMBEDDED_APP)
          .load()
          .migrate();

      DatabaseUrl application = server.connection("aegis", DatabaseRoles.EMBEDDED_APP);
      assertThat(
              EmbeddedPostgresServerIT.queryText(
                  owner, "SELECT tableowner FROM pg_tables WHERE tablename = 'audit_log'"))
          .isEqualTo(DatabaseRoles.EMBEDDED_OWNER);
      assertThat(
              EmbeddedPostgresServerIT.queryText(
                  application, "SELECT count(*)::text FROM experiments_archive"))
          .isEqualTo("0");
      assertThatThrownBy(() -> execute(application, "DELETE FROM audit_log"))
          .hasMessageContaining("permission denied");
    }
  }

  private static void assertRefused(String sql) {
    // Refused for want of privilege or ownership, not merely stopped by a trigger.
    assertThatThrownBy(() -> app.useHandle(h -> h.execute(sql)))
        .as(sql)
        .satisfies(
            e -> assertThat(e.getMessage()).containsAnyOf("permission denied", "must be owner"))
        .hasMessageNotContaining("append-only");
  }

  private static int count(String table) {
    return database
        .jdbi()
        .withHandle(h -> h.createQuery("SELECT count(*) FROM " + table).mapTo(Integer.class).one());
  }

  private static void execute(DatabaseUrl url, String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
        Statement statement = c.createStatement()) {
      statement.execute(sql);
    }
  }
}
