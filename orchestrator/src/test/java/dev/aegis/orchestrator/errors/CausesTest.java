package dev.aegis.orchestrator.errors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class CausesTest {

  @Test
  @DisplayName("the root cause is the chain's last; a chain with a cycle still ends")
  void root() {
    IllegalArgumentException root = new IllegalArgumentException("root");
    assertThat(Causes.root(new RuntimeException(new RuntimeException(root)))).isSameAs(root);
    assertThat(Causes.root(root)).isSameAs(root);
    RuntimeException cyclic = new RuntimeException("a");
    cyclic.initCause(new RuntimeException("b", cyclic));
    assertThat(assertTimeoutPreemptively(Duration.ofSeconds(5), () -> Causes.root(cyclic)))
        .isNotNull();
  }

  @Test
  @DisplayName("the chain is the failure and its causes, outermost first, at most 16 of them")
  void chain() {
    IllegalStateException inner = new IllegalStateException("inner");
    RuntimeException outer = new RuntimeException(inner);
    assertThat(Causes.chain(outer)).containsExactly(outer, inner);
    RuntimeException cyclic = new RuntimeException("a");
    RuntimeException other = new RuntimeException("b", cyclic);
    cyclic.initCause(other);
    assertThat(Causes.chain(cyclic)).hasSize(Causes.MAX_DEPTH).startsWith(cyclic, other, cyclic);
  }
}
