package dev.aegis.orchestrator.standalone.infrastructure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedPostgresServerIT {

  @TempDir Path dataDirectory;

  @Test
  void dataSurvivesAStopAndStartOnTheSameDirectory() throws SQLException {
    try (EmbeddedPostgresServer first =
        EmbeddedPostgresServer.start(Optional.of(dataDirectory), 0, true)) {
      first.createDatabaseIfMissing("aegis");
      execute(
          first.connection("aegis"), "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')");
    }

    try (EmbeddedPostgresServer second =
        EmbeddedPostgresServer.start(Optional.of(dataDirectory), 0, true)) {
      second.createDatabaseIfMissing("aegis");
      assertThat(queryText(second.connection("aegis"), "SELECT v FROM kept")).isEqualTo("x");
    }
  }

  @Test
  void anEphemeralServerDeletesItsDataOnClose() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true);
    Path directory = server.dataDirectory();
    assertThat(directory).isDirectory();

    server.close();

    assertThat(directory).doesNotExist();
  }

  @Test
  void closingStopsTheServer() {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true);
    DatabaseUrl url = server.connection("postgres");

    server.close();

    assertThatThrownBy(() -> queryText(url, "SELECT 1")).isInstanceOf(SQLException.class);
  }

  @Test
  void aDirectoryInUseByALiveServerIsRefused() {
    try (EmbeddedPostgresServer running =
        EmbeddedPostgresServer.start(Optional.of(dataDirectory), 0, true)) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(Optional.of(dataDirectory), 0, true))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("in use");
      assertThat(queryText(running.connection("postgres"), "SELECT 'still up'"))
          .isEqualTo("still up");
    } catch (SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @DisplayName(
      "a persistent server commits durably (synchronous_commit on) unless told not to; an ephemeral one does not")
  void commitsAreDurableWhereDataIsKept(@TempDir Path kept) throws SQLException {
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(Optional.of(kept.resolve("a")), 0, true)) {
      assertThat(queryText(server.connection("postgres"), "SHOW synchronous_commit"))
          .isEqualTo("on");
    }
    try (EmbeddedPostgresServer server =
        EmbeddedPostgresServer.start(Optional.of(kept.resolve("b")), 0, true, false)) {
      assertThat(queryText(server.connection("postgres"), "SHOW synchronous_commit"))
          .isEqualTo("off");
    }
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true)) {
      assertThat(queryText(server.connection("postgres"), "SHOW synchronous_commit"))
          .isEqualTo("off");
    }
  }

  @Test
  void databaseNamesMustBePlainIdentifiers() {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true)) {
      assertThatThrownBy(() -> server.createDatabase("x; DROP DATABASE postgres"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void createsAndDropsDatabases() throws SQLException {
    try (EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Optional.empty(), 0, true)) {
      server.createDatabase("scratch");
      assertThat(queryText(server.connection("scratch"), "SELECT current_database()"))
          .isEqualTo("scratch");

      server.dropDatabase("scratch");

      assertThatThrownBy(() -> queryText(server.connection("scratch"), "SELECT 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("does not exist");
    }
  }

  static void execute(DatabaseUrl url, String sql) throws SQLException {
    try (Connection c = connect(url)) {
      c.createStatement().execute(sql);
    }
  }

  static String queryText(DatabaseUrl url, String sql) throws SQLException {
    try (Connection c = connect(url);
        var rows = c.createStatement().executeQuery(sql)) {
      rows.next();
      return rows.getString(1);
    }
  }

  static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
  }
}
