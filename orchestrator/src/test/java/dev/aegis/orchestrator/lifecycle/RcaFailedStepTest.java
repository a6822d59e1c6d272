package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.notifications.Notification;
import dev.aegis.orchestrator.notifications.NotificationFactory;
import dev.aegis.orchestrator.rca.RcaBuilder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * {@code failedStep} of an RCA is the 0-based index of the failed step (the {@code
 * dev.aegis.rca.recorded.v1} schema), while what people read says "step N" counting from 1.
 */
class RcaFailedStepTest {

  private static final EventCodec CODEC = new EventCodec();

  @Test
  @DisplayName(
      "a candidate failing its second step has failedStep 1, its stepIndex, and the notification says step 2")
  void failedStepIsTheZeroBasedStepIndex() {
    Experiment e = CORE.decide(Fixtures.submitted(), new LifecycleInput.Submit(null), T0).after();
    long offset = 0;
    while (e.stepIndex() == 0 && offset < 60) {
      e = CORE.decide(e, observe(canary(offset, 1, 1000, 0, 250)), T0.plusSeconds(100)).after();
      offset++;
    }
    assertThat(e.stepIndex()).as("passed the first step").isEqualTo(1);
    Judgment failed = null;
    for (int i = 0; i < 30 && failed == null; i++, offset++) {
      Decision d = CORE.decide(e, observe(canary(offset, 1, 1000, 300, 250)), T0.plusSeconds(100));
      if (d.judgment() != null && d.judgment().verdict() == Verdict.FAIL) {
        failed = d.judgment();
      } else {
        e = d.after();
      }
    }
    assertThat(failed).as("the second step failed").isNotNull();

    RcaRecorded rca =
        RcaBuilder.build(e, failed, List.of(), List.of(), List.of(), T0.plusSeconds(200));

    assertThat(rca.failedStep()).isEqualTo(e.stepIndex()).isEqualTo(1);
    assertThat(rca.failedWeight()).isEqualTo(50);
    assertThat(CODEC.validate(EventType.RCA_RECORDED, rca)).isEmpty();
    Notification n =
        new NotificationFactory("")
            .of(EventType.RCA_RECORDED, "evt-1", rca, T0.plusSeconds(200))
            .orElseThrow();
    assertThat(n.facts()).contains(new Notification.Fact("failed at", "step 2, 50% traffic"));
  }
}
