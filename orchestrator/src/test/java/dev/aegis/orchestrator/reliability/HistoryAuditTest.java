package dev.aegis.orchestrator.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.operators.actuation.AegisMetadata;
import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.Transition;
import dev.aegis.orchestrator.lifecycle.Trigger;
import dev.aegis.orchestrator.persistence.TransitionRepository.StoredTransition;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The kill loop's checks find what they look for: an audit that could never fail would prove
 * nothing.
 */
class HistoryAuditTest {

  @Test
  @DisplayName(
      "a good run's history passes; an illegal move, a doubled step and a wrong end are each named")
  void pathsAreCheckedAgainstTheTransitionTable() {
    List<StoredTransition> promoted =
        List.of(
            move(Phase.SUBMITTED, Trigger.START, Phase.CANARY, 1),
            move(Phase.CANARY, Trigger.STEP_PASSED, Phase.CANARY, 2),
            move(Phase.CANARY, Trigger.STEP_PASSED, Phase.CANARY, 3),
            move(Phase.CANARY, Trigger.FINAL_STEP_PASSED, Phase.PROMOTED, 3));
    HistoryAudit good = new HistoryAudit(null);
    good.checkPath("good", Phase.PROMOTED, promoted);
    assertThat(good.violations()).isEmpty();

    HistoryAudit illegal = new HistoryAudit(null);
    illegal.checkPath(
        "illegal",
        Phase.QUARANTINED,
        List.of(
            move(Phase.SUBMITTED, Trigger.START, Phase.CANARY, 1),
            move(Phase.CANARY, Trigger.QUARANTINE, Phase.QUARANTINED, 1)));
    assertThat(illegal.violations())
        .singleElement()
        .asString()
        .contains("not a move of the transition table");

    List<StoredTransition> doubled = new ArrayList<>(promoted.subList(0, 2));
    doubled.add(move(Phase.CANARY, Trigger.STEP_PASSED, Phase.CANARY, 2));
    HistoryAudit twice = new HistoryAudit(null);
    twice.checkPath("twice", Phase.CANARY, doubled);
    assertThat(twice.violations())
        .anyMatch(v -> v.contains("recorded twice"))
        .anyMatch(v -> v.contains("a step skipped or repeated"));

    HistoryAudit wrongEnd = new HistoryAudit(null);
    wrongEnd.checkPath("wrong-end", Phase.QUARANTINED, promoted);
    assertThat(wrongEnd.violations())
        .singleElement()
        .asString()
        .contains("history ends in PROMOTED but the experiment is QUARANTINED");
  }

  @Test
  @DisplayName("an object written twice by one command is found in the API server's write log")
  void repeatedWritesAreFound() {
    try (ClusterApi cluster = new ClusterApi()) {
      Deployment deployment =
          new DeploymentBuilder()
              .withNewMetadata()
              .withName("web")
              .withNamespace("shop")
              .addToAnnotations(AegisMetadata.LAST_ACTUATION, "cmd-1")
              .endMetadata()
              .build();
      cluster.admin().resource(deployment).create();
      assertThat(cluster.repeatedWrites()).isEmpty();
      Deployment stored =
          cluster.admin().apps().deployments().inNamespace("shop").withName("web").get();
      cluster
          .admin()
          .resource(
              new DeploymentBuilder(stored)
                  .editMetadata()
                  .addToLabels("again", "yes")
                  .endMetadata()
                  .build())
          .update();
      assertThat(cluster.writes())
          .extracting(ClusterApi.Write::commandId)
          .containsExactly("cmd-1", "cmd-1");
      assertThat(cluster.repeatedWrites())
          .containsOnlyKeys("/apis/apps/v1/namespaces/shop/deployments/web by cmd-1");
    }
  }

  private static StoredTransition move(Phase from, Trigger trigger, Phase to, int step) {
    return new StoredTransition(
        0,
        "e",
        new Transition(from, to, trigger, step, 10, "test", Transition.AEGIS, null, Instant.EPOCH),
        "test");
  }
}
