package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aegis.orchestrator.standalone.infrastructure.DatabaseUrl;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class RestartablePostgresIT {

  @Test
  void connectionsFailWhileStoppedAndDataIsBackAfterRestart() throws SQLException {
    try (RestartablePostgres postgres = RestartablePostgres.start()) {
      DatabaseUrl url = postgres.connection();
      try (Connection c = connect(url)) {
        c.createStatement().execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')");
      }
      Connection open = connect(url);

      postgres.stop();

      assertThat(postgres.isRunning()).isFalse();
      assertThatThrownBy(() -> connect(url)).isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> open.createStatement().executeQuery("SELECT 1"))
          .as("an open connection breaks too")
          .isInstanceOf(SQLException.class);

      postgres.restart();

      assertThat(postgres.isRunning()).isTrue();
      assertThat(postgres.connection()).isEqualTo(url);
      try (Connection c = connect(url);
          var rows = c.createStatement().executeQuery("SELECT v FROM kept")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getString(1)).isEqualTo("x");
      }
    }
  }

  @Test
  void closeStopsTheServerForGood() {
    RestartablePostgres postgres = RestartablePostgres.start();
    DatabaseUrl url = postgres.connection();

    postgres.close();

    assertThatThrownBy(() -> connect(url)).isInstanceOf(SQLException.class);
    assertThatThrownBy(postgres::restart).isInstanceOf(IllegalStateException.class);
  }

  private static Connection connect(DatabaseUrl url) throws SQLException {
    return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
  }
}
