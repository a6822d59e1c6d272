package dev.aegis.orchestrator.standalone.infrastructure;

import static dev.aegis.orchestrator.standalone.infrastructure.EmbeddedPostgresServerIT.queryText;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.zaxxer.hikari.HikariDataSource;
import dev.aegis.orchestrator.persistence.PersistenceConfiguration;
import dev.aegis.orchestrator.testsupport.SharedInfrastructure;
import dev.aegis.orchestrator.testsupport.TestDatabase;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicReference;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class DatabaseConfigurationIT {

  private final ApplicationContextRunner runner =
      new ApplicationContextRunner()
          .withConfiguration(AutoConfigurations.of(ConfigurationPropertiesAutoConfiguration.class))
          .withUserConfiguration(DatabaseConfiguration.class, PersistenceConfiguration.class);

  @TempDir Path dataDirectory;

  @Test
  void withoutDatabaseUrlAnEmbeddedServerKeepsStateAcrossRestarts() {
    ApplicationContextRunner embedded =
        runner.withPropertyValues("aegis.database.embedded.data-dir=" + dataDirectory);
    AtomicReference<DatabaseUrl> firstRun = new AtomicReference<>();

    embedded.run(
        context -> {
          AegisDatabaseBootstrap database = context.getBean(AegisDatabaseBootstrap.class);
          assertThat(database.isEmbedded()).isTrue();
          firstRun.set(database.connection());
          // The owner creates; the application role, which the pool connects as, may only read.
          execute(
              database.migrationConnection(),
              "CREATE TABLE kept (v text); "
                  + "INSERT INTO kept VALUES ('first run'); GRANT SELECT ON kept TO aegis_app");
        });
    assertThatThrownBy(() -> queryText(firstRun.get(), "SELECT 1"))
        .as("closing the context stops the server")
        .isInstanceOf(SQLException.class);

    embedded.run(
        context ->
            assertThat(text(context.getBean(Jdbi.class), "SELECT v FROM kept"))
                .isEqualTo("first run"));
  }

  @Test
  void aPostgresStyleDatabaseUrlIsUsedAsIs() {
    try (TestDatabase database = SharedInfrastructure.postgres().createDatabase()) {
      String url =
          "postgres://postgres:unused@localhost:"
              + SharedInfrastructure.postgres().port()
              + "/"
              + database.name();

      runner
          .withPropertyValues(
              "aegis.database.url=" + url, "spring.datasource.hikari.maximum-pool-size=3")
          .run(
              context -> {
                assertThat(context.getBean(AegisDatabaseBootstrap.class).isEmbedded()).isFalse();
                HikariDataSource pool = (HikariDataSource) context.getBean(DataSource.class);
                assertThat(pool.getMaximumPoolSize())
                    .as("spring.datasource.hikari.* applies")
                    .isEqualTo(3);
                assertThat(text(context.getBean(Jdbi.class), "SELECT current_database()"))
                    .isEqualTo(database.name());
              });
    }
  }

  private static void execute(DatabaseUrl url, String sql) throws SQLException {
    try (var c = DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
        var statement = c.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String text(Jdbi jdbi, String sql) {
    return jdbi.withHandle(h -> h.createQuery(sql).mapTo(String.class).one());
  }
}
