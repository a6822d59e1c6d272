package dev.aegis.orchestrator.deadletter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.sql.SQLException;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadLetterRecorderCauseTest {

  @Test
  @DisplayName(
      "a data error is found down a cause chain, and a chain with a cycle ends without one")
  void dataErrorsDownTheChain() {
    assertThat(
            DeadLetterRecorder.isDataError(
                new RuntimeException(new IllegalStateException(new SQLException("bad", "22021")))))
        .isTrue();
    assertThat(DeadLetterRecorder.isDataError(new SQLException("gone", "08006"))).isFalse();
    RuntimeException cyclic = new RuntimeException("a");
    cyclic.initCause(new RuntimeException("b", cyclic));
    assertThat(
            assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> DeadLetterRecorder.isDataError(cyclic)))
        .isFalse();
  }
}
