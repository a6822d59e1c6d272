package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The application's pool survives an outage of a restartable server and keeps its data. */
@AegisComponentTest(classes = InfrastructureOnlyConfiguration.class,
    database = DatabaseMode.RESTARTABLE)
class RestartableDatabaseComponentTest {

  @Autowired Jdbi jdbi;
  @Autowired RestartablePostgres postgres;

  @Test
  void queriesFailWhileStoppedAndWorkAgainAfterRestart() {
    jdbi.useHandle(h -> h.execute("CREATE TABLE kept (v text); INSERT INTO kept VALUES ('x')"));

    postgres.stop();
    assertThatThrownBy(() -> kept(jdbi)).isInstanceOf(Exception.class);

    postgres.restart();
    // The pool may still hand out a connection the shutdown terminated; it evicts it and heals.
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .untilAsserted(() -> assertThat(kept(jdbi)).isEqualTo("x"));
  }

  private static String kept(Jdbi jdbi) {
    return jdbi.withHandle(h -> h.createQuery("SELECT v FROM kept").mapTo(String.class).one());
  }
}
