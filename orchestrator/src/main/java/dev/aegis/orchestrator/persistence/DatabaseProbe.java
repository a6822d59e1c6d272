package dev.aegis.orchestrator.persistence;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;

/** Asks PostgreSQL for an answer on a fresh connection of the pool: readiness's database check. */
public final class DatabaseProbe {

  private static final String PING = "SELECT 1";

  private final DataSource dataSource;

  public DatabaseProbe(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /**
   * Runs a trivial query with a statement timeout of {@code timeout} (whole seconds, at least one).
   *
   * @return the query it ran, for the health detail
   * @throws SQLException when no connection is to be had or the query fails or times out
   */
  public String ping(Duration timeout) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout((int) Math.max(1, timeout.toSeconds()));
      s.execute(PING);
      return PING;
    }
  }
}
