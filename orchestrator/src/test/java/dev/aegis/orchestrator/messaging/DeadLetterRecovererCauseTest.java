package dev.aegis.orchestrator.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeadLetterRecovererCauseTest {

  @Test
  @DisplayName("the root cause is the chain's last; a chain with a cycle still ends")
  void rootCause() {
    IllegalArgumentException root = new IllegalArgumentException("root");
    assertThat(DeadLetterRecoverer.rootCause(new RuntimeException(new RuntimeException(root))))
        .isSameAs(root);
    assertThat(DeadLetterRecoverer.rootCause(root)).isSameAs(root);
    RuntimeException cyclic = new RuntimeException("a");
    cyclic.initCause(new RuntimeException("b", cyclic));
    assertThat(
            assertTimeoutPreemptively(
                Duration.ofSeconds(5), () -> DeadLetterRecoverer.rootCause(cyclic)))
        .isNotNull();
  }
}
