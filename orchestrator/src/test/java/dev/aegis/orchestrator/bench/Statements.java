package dev.aegis.orchestrator.bench;

import dev.aegis.orchestrator.testsupport.SharedPostgres;
import java.util.Locale;
import org.jdbi.v3.core.Jdbi;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Where PostgreSQL spent a benchmark phase's time, statement by statement, from pg_stat_statements:
 * on only with {@code -Dbench.statements=true}, which also makes the shared server preload the
 * extension ({@link SharedPostgres#STATEMENTS_PROPERTY}).
 */
final class Statements {

  private static final int TOP = 12;

  private final Jdbi superuser;

  private Statements(Jdbi superuser) {
    this.superuser = superuser;
  }

  /** A reporter for {@code database} on {@code server}, or one that does nothing when off. */
  static Statements of(SharedPostgres server, String database) {
    if (!Boolean.getBoolean(SharedPostgres.STATEMENTS_PROPERTY)) {
      return new Statements(null);
    }
    var dataSource = new PGSimpleDataSource();
    dataSource.setUrl(server.connection(database).jdbcUrl());
    dataSource.setUser(server.connection(database).username());
    Jdbi jdbi = Jdbi.create(dataSource);
    jdbi.useHandle(h -> h.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
    return new Statements(jdbi);
  }

  /** Starts counting afresh. */
  void reset() {
    if (superuser != null) {
      superuser.useHandle(h -> h.execute("SELECT pg_stat_statements_reset()"));
    }
  }

  /** Prints the statements that took the most time since {@link #reset}, then resets. */
  void print(String phase, int round) {
    if (superuser == null) {
      return;
    }
    superuser.useHandle(
        h -> {
          System.out.printf(Locale.ROOT, "-- round %d, %s: statements by time%n", round, phase);
          h.createQuery(
                  "SELECT lpad(round(total_exec_time)::text, 7) || ' ms exec ' "
                      + "|| lpad(round(total_plan_time)::text, 6) || ' ms plan ' "
                      + "|| lpad(calls::text, 6) || ' calls ' || lpad(rows::text, 7) || ' rows  ' "
                      + "|| left(regexp_replace(query, '\\s+', ' ', 'g'), 110) "
                      + "FROM pg_stat_statements WHERE query NOT LIKE '%pg_stat_statements%' "
                      + "ORDER BY total_exec_time + total_plan_time DESC LIMIT "
                      + TOP)
              .mapTo(String.class)
              .forEach(System.out::println);
          h.execute("SELECT pg_stat_statements_reset()");
        });
  }
}
