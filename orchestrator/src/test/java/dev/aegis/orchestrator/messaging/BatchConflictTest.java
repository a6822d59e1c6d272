package dev.aegis.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.persistence.StaleStateException;
import java.sql.SQLException;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class BatchConflictTest {

  @Test
  @DisplayName(
      "a stale row, a deadlock and a serialization failure are conflicts a batch runs again for;"
          + " other failures are not")
  void conflictsAreTellable() {
    assertThat(BatchProcessor.conflict(new StaleStateException("moved"))).isEqualTo("stale");
    assertThat(
            BatchProcessor.conflict(
                new UnableToExecuteStatementException(
                    new SQLException("deadlock detected", "40P01"), null)))
        .isEqualTo("deadlock");
    assertThat(
            BatchProcessor.conflict(
                new RuntimeException(new SQLException("could not serialize", "40001"))))
        .isEqualTo("serialization");
    assertThat(
            BatchProcessor.conflict(
                new UnableToExecuteStatementException(
                    new SQLException("invalid byte sequence", "22021"), null)))
        .isNull();
    assertThat(BatchProcessor.conflict(new IllegalStateException("bug"))).isNull();
    RuntimeException cyclic = new RuntimeException("a");
    RuntimeException other = new RuntimeException("b", cyclic);
    cyclic.initCause(other);
    assertThat(BatchProcessor.conflict(cyclic)).as("a cause chain with a cycle ends").isNull();
  }
}
