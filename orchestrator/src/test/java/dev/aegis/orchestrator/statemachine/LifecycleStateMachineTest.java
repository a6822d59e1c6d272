package dev.aegis.orchestrator.statemachine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.TransitionTable;
import dev.aegis.orchestrator.lifecycle.Trigger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class LifecycleStateMachineTest {

  private static final Path DOC = Path.of("..", "docs", "lifecycle.md");
  private static final String BEGIN = "```mermaid\n";
  private static final String END = "```\n";

  private final TransitionTable table = LifecycleStateMachine.transitionTable();

  @Test
  @DisplayName("the table derived from the state machine has exactly its 19 declared moves")
  void tableMatchesDefinition() {
    assertThat(table.entries()).hasSize(19);
    assertThat(table.target(Phase.PROMOTED, Trigger.PRODUCTION_BREACH)).contains(Phase.QUARANTINED);
    assertThat(table.target(Phase.CANARY, Trigger.STEP_INCONCLUSIVE)).contains(Phase.PAUSED);
    assertThat(table.target(Phase.CANARY, Trigger.STEP_PASSED)).contains(Phase.CANARY);
    assertThat(table.target(Phase.ROLLING_BACK, Trigger.QUARANTINE)).contains(Phase.QUARANTINED);
    assertThat(table.target(Phase.PROMOTED, Trigger.ABORT)).isEmpty();
  }

  @Test
  @DisplayName(
      "settled phases accept nothing but a quarantine release, and a production breach of a promoted version")
  void settledPhasesAreFinal() {
    for (Phase phase : Phase.values()) {
      if (phase.isSettled()) {
        assertThat(table.accepted(phase)).isSubsetOf(Trigger.RELEASE, Trigger.PRODUCTION_BREACH);
      }
    }
    assertThat(table.accepted(Phase.PROMOTED)).containsExactly(Trigger.PRODUCTION_BREACH);
  }

  @Test
  @DisplayName("the state diagram in docs/lifecycle.md is the one generated from the state machine")
  void documentedDiagramAgrees() throws Exception {
    String expected = table.mermaid();
    String doc = Files.readString(DOC);
    if (Boolean.getBoolean("aegis.docs.update")) {
      int start = doc.indexOf(BEGIN) + BEGIN.length();
      int end = doc.indexOf(END, start);
      Files.writeString(DOC, doc.substring(0, start) + expected + doc.substring(end));
      doc = Files.readString(DOC);
    }
    int start = doc.indexOf(BEGIN);
    assertThat(start).as("docs/lifecycle.md has a mermaid block").isNotNegative();
    String documented =
        doc.substring(start + BEGIN.length(), doc.indexOf(END, start + BEGIN.length()));
    assertThat(documented)
        .as(
            "regenerate with: ./mvnw -pl orchestrator test -Dtest=LifecycleStateMachineTest -Daegis.docs.update=true")
        .isEqualTo(expected);
  }
}
