package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static dev.aegis.orchestrator.lifecycle.Fixtures.canary;
import static dev.aegis.orchestrator.lifecycle.Fixtures.observe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.events.EventCodec;
import dev.aegis.events.EventType;
import dev.aegis.events.data.RcaRecorded;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Verdict;
import dev.aegis.orchestrator.rca.RcaBuilder;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The RCA of a step failed by an anytime test is a valid {@code dev.aegis.rca.recorded.v1} event:
 * the relay publishes it rather than retrying it forever.
 */
class AnytimeRcaSchemaTest {

  private static final EventCodec CODEC = new EventCodec();

  @Test
  @DisplayName("an RCA whose failed check is the SLO anytime test validates against the RCA schema")
  void anRcaOfTheSloAnytimeTestIsValid() {
    Judgment failed = failWith(new long[] {1000, 40}, null);

    assertThat(failed.failedChecks())
        .extracting(Check::name)
        .contains(Check.ERROR_RATE_SLO_SEQUENTIAL);
    assertValid(failed);
  }

  @Test
  @DisplayName(
      "an RCA whose failed check is the error-rate anytime comparison validates against the RCA schema")
  void anRcaOfTheComparisonAnytimeTestIsValid() {
    Judgment failed = failWith(new long[] {1000, 15}, new long[] {1000, 3});

    assertThat(failed.failedChecks()).extracting(Check::name).contains(Check.ERROR_RATE_SEQUENTIAL);
    assertValid(failed);
  }

  private static Judgment failWith(long[] canary, long[] baseline) {
    Experiment e =
        CORE.decide(
                Experiment.submitted(
                    "exp-1", "checkout", "shop", Fixtures.CANDIDATE, Fixtures.SECONDS, "v1", T0),
                new LifecycleInput.Submit(null),
                T0)
            .after();
    for (int i = 0; i < 10; i++) {
      if (baseline != null) {
        e =
            CORE.decide(
                    e,
                    observe(
                        Fixtures.window(
                            HealthWindow.Track.BASELINE,
                            "v1",
                            i,
                            1,
                            baseline[0],
                            baseline[1],
                            250)),
                    T0.plusSeconds(100))
                .after();
      }
      Decision d =
          CORE.decide(e, observe(canary(i, 1, canary[0], canary[1], 250)), T0.plusSeconds(100));
      e = d.after();
      if (d.judgment() != null && d.judgment().verdict() == Verdict.FAIL) {
        return d.judgment();
      }
    }
    throw new AssertionError("the step did not fail within 10 windows");
  }

  private static void assertValid(Judgment failed) {
    Experiment quarantined =
        Experiment.submitted(
            "exp-1", "checkout", "shop", Fixtures.CANDIDATE, Fixtures.SECONDS, "v1", T0);
    RcaRecorded rca =
        RcaBuilder.build(quarantined, failed, List.of(), List.of(), List.of(), T0.plusSeconds(20));

    assertThat(CODEC.validate(EventType.RCA_RECORDED, rca)).isEmpty();
  }
}
