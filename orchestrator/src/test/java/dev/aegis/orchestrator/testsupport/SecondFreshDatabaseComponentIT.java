package dev.aegis.orchestrator.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** See {@link FreshDatabaseComponentIT}. */
@AegisComponentTest(classes = InfrastructureOnlyConfiguration.class)
class SecondFreshDatabaseComponentIT {

  @Autowired Jdbi jdbi;
  @Autowired TestDatabase database;

  @Test
  void theContextUsesADatabaseOfItsOwnToo() {
    // As the owner: the application role may not create tables.
    database.jdbi().useHandle(h -> h.execute("CREATE TABLE marker (owner text)"));

    assertThat(FreshDatabaseComponentIT.currentDatabase(jdbi)).isEqualTo(database.name());
  }
}
