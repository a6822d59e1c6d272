package dev.aegis.orchestrator.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.testsupport.FreshDatabaseTest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Replicas that start together each run Flyway's {@code afterMigrate} grants once the migration
 * lock is released. Without a lock of its own, a GRANT that met another replica's uncommitted
 * change to the same catalog row failed with "tuple concurrently updated", and that replica exited
 * before it was ready (seen in ScaleOutFailoverIT's three-replica start).
 */
class GrantsConcurrencyIT extends FreshDatabaseTest {

  @Test
  @DisplayName(
      "a second run of the grants while the first is uncommitted waits for it, then succeeds")
  void grantsRunOneAtATime() throws Exception {
    String grants = grantsScript();
    DataSource owner = database.dataSource();
    try (Connection first = owner.getConnection()) {
      first.setAutoCommit(false);
      try (Statement s = first.createStatement()) {
        s.execute(grants);
      }
      CompletableFuture<Void> second =
          CompletableFuture.runAsync(
              () -> {
                try (Connection c = owner.getConnection();
                    Statement s = c.createStatement()) {
                  s.execute(grants);
                } catch (SQLException e) {
                  throw new IllegalStateException(e.getMessage(), e);
                }
              });
      await().atMost(Duration.ofSeconds(30)).until(() -> waitingOnLocks() > 0 || second.isDone());
      assertThat(second).as("the second run waits while the first is uncommitted").isNotDone();
      first.commit();
      second.get(30, TimeUnit.SECONDS);
    }
    Boolean narrowed =
        database
            .appJdbi()
            .withHandle(
                h ->
                    h.createQuery(
                            "SELECT has_table_privilege('experiments', 'UPDATE') "
                                + "AND NOT has_table_privilege('transitions', 'UPDATE')")
                        .mapTo(Boolean.class)
                        .one());
    assertThat(narrowed).as("the application role's privileges after both runs").isTrue();
  }

  /** The callback as Flyway runs it, its placeholders replaced. */
  private static String grantsScript() throws IOException {
    try (InputStream in =
        GrantsConcurrencyIT.class.getResourceAsStream("/db/migration/afterMigrate__grants.sql")) {
      assertThat(in).as("the grants callback on the classpath").isNotNull();
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .replace("${" + DatabaseRoles.APP_ROLE_PLACEHOLDER + "}", DatabaseRoles.EMBEDDED_APP)
          .replace("${flyway:table}", "flyway_schema_history");
    }
  }

  private int waitingOnLocks() {
    return database
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM pg_locks WHERE NOT granted")
                    .mapTo(Integer.class)
                    .one());
  }
}
