package dev.aegis.orchestrator.persistence;

import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.springframework.boot.sql.init.dependency.DependsOnDatabaseInitialization;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * JDBI on Aegis's DataSource, and the {@link Transactions} every other package starts its work
 * from.
 */
@Configuration(proxyBeanMethods = false)
public class PersistenceConfiguration {

  /** Jdbi for the repositories; created after Flyway has migrated the schema. */
  @Bean
  @DependsOnDatabaseInitialization
  public Jdbi jdbi(DataSource dataSource) {
    return JdbiFactory.create(dataSource);
  }

  @Bean
  public Transactions transactions(Jdbi jdbi) {
    return new Transactions(jdbi);
  }
}
