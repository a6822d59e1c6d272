package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aegis.orchestrator.persistence.JdbiFactory;
import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** The application's pool survives an outage of a restartable server and keeps its data. */
@AegisComponentTest(
    classes = InfrastructureOnlyConfiguration.class,
    database = DatabaseMode.RESTARTABLE)
class RestartableDatabaseComponentIT {

  @Autowired Jdbi jdbi;
  @Autowired RestartablePostgres postgres;

  @Test
  void queriesFailWhileStoppedAndWorkAgainAfterRestart() {
    // The owner creates the table; the application role (the pool's) may only read it.
    JdbiFactory.create(
            new DriverManagerDataSource(
                postgres.connection().jdbcUrl(), postgres.connection().username(), null))
        .useHandle(
            h ->
                h.execute(
                    "CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x'); GRANT SELECT ON kept TO "
                        + postgres.appConnection().username()));

    postgres.stop();
    assertThatThrownBy(() -> kept(jdbi)).isInstanceOf(Exception.class);

    postgres.restart();
    // The pool may still hand out a connection the shutdown terminated; it evicts it and heals.
    await()
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .untilAsserted(() -> assertThat(kept(jdbi)).isEqualTo("x"));
  }

  private static String kept(Jdbi jdbi) {
    return jdbi.withHandle(h -> h.createQuery("SELECT v FROM kept").mapTo(String.class).one());
  }
}
