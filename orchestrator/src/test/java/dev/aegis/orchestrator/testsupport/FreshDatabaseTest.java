package dev.aegis.orchestrator.testsupport;

import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * A test without Spring on a database of each test's own: created on the shared server and migrated
 * before the test, dropped after it. A subclass's own {@code @BeforeEach} runs after the migration.
 */
public abstract class FreshDatabaseTest {

  /** The test's database, migrated; {@link TestDatabase#jdbi()} is its owner. */
  protected TestDatabase database;

  /** A Jdbi on it as the application role, with the privileges production has. */
  protected Jdbi app;

  @BeforeEach
  void createMigratedDatabase() {
    database = SharedInfrastructure.postgres().createDatabase().migrate();
    app = database.appJdbi();
  }

  @AfterEach
  void dropDatabase() {
    database.close();
  }
}
