package dev.aegis.orchestrator.retention;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.production.slo.BurnRateMonitor;
import dev.aegis.orchestrator.standalone.infrastructure.DatabaseRoles;
import dev.aegis.orchestrator.testsupport.AegisComponentTest;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

/**
 * In the application: the sweeper runs as the application role and retires the live monitor's
 * tracks.
 */
@AegisComponentTest(properties = "aegis.retention.interval=PT12H")
class RetentionWiringIT {

  @Autowired RetentionSweeper sweeper;
  @Autowired Jdbi jdbi;
  @Autowired ApplicationContext context;

  @Test
  @DisplayName(
      "the application connects as the application role and its sweeper completes a sweep there")
  void sweepsAsTheApplicationRole() {
    String user =
        jdbi.withHandle(h -> h.createQuery("SELECT current_user").mapTo(String.class).one());

    RetentionSweeper.Sweep sweep = sweeper.sweep();

    assertThat(user).isEqualTo(DatabaseRoles.EMBEDDED_APP);
    assertThat(sweep).isInstanceOf(RetentionSweeper.Swept.class);
    int audited =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT count(*) FROM audit_log WHERE action = 'retention.sweep'")
                    .mapTo(Integer.class)
                    .one());
    assertThat(audited).isEqualTo(1);
    assertThat(context.getBeansOfType(BurnRateMonitor.class))
        .as("one monitor, shared by the ingest path and the sweeper")
        .hasSize(1);
    assertThat(context.getBean(RetentionProperties.class).healthWindows().toDays()).isEqualTo(14);
  }
}
