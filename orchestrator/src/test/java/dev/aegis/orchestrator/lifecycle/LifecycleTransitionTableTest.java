package dev.aegis.orchestrator.lifecycle;

import static dev.aegis.orchestrator.lifecycle.Fixtures.CORE;
import static dev.aegis.orchestrator.lifecycle.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ActuationOutcome;
import dev.aegis.orchestrator.lifecycle.LifecycleInput.ManualAction;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (phase, input) pair of the core. The expected outcomes are written out here by hand, apart
 * from the state machine definition, so a change to either one shows up as a failure.
 */
class LifecycleTransitionTableTest {

  enum InputKind {
    SUBMIT_FREE(() -> new LifecycleInput.Submit(null)),
    SUBMIT_HELD(() -> new LifecycleInput.Submit("exp-0")),
    DEQUEUE(LifecycleInput.Dequeue::new),
    OBSERVE_CANARY_WINDOW(() -> Fixtures.observe(Fixtures.canary(0, 5, 50, 0, 100))),
    OBSERVE_BASELINE_WINDOW(
        () ->
            Fixtures.observe(Fixtures.window(HealthWindow.Track.BASELINE, "v1", 0, 5, 50, 0, 100))),
    OBSERVE_STABLE_WINDOW(
        () -> Fixtures.observe(Fixtures.window(HealthWindow.Track.STABLE, "v1", 0, 5, 50, 0, 100))),
    OBSERVE_SEVERE_BREACH(() -> Fixtures.observe(Fixtures.canary(0, 5, 100, 50, 100))),
    OBSERVE_SEVERE_BREACH_UNDER_CHAOS(
        () ->
            new LifecycleInput.Observe(
                Fixtures.canary(0, 5, 100, 50, 100),
                List.of(Fixtures.fault("f-1", HealthWindow.Track.CANARY, 0, 60)))),
    OBSERVE_INCONCLUSIVE_PAST_EXTENSION(() -> Fixtures.observe(Fixtures.canary(0, 25, 50, 0, 100))),
    PROMOTE(() -> new LifecycleInput.Manual(ManualAction.PROMOTE, "alice", "looks good")),
    ABORT(() -> new LifecycleInput.Manual(ManualAction.ABORT, "alice", "wrong build")),
    PAUSE(() -> new LifecycleInput.Manual(ManualAction.PAUSE, "alice", "investigating")),
    RESUME(() -> new LifecycleInput.Manual(ManualAction.RESUME, "alice", "done")),
    RELEASE(() -> new LifecycleInput.Manual(ManualAction.RELEASE, "alice", "root cause fixed")),
    CHECK_SILENCE(LifecycleInput.CheckSilence::new),
    ROLLBACK_APPLIED(
        () ->
            report(
                Fixtures.AWAITED_ROLLBACK,
                "RollBackCandidate",
                ActuationOutcome.APPLIED,
                "traffic 100% stable")),
    ROLLBACK_DEFERRED(
        () ->
            report(
                Fixtures.AWAITED_ROLLBACK,
                "RollBackCandidate",
                ActuationOutcome.DEFERRED,
                "circuit breaker open")),
    WEIGHT_REJECTED(
        () ->
            report(
                "exp-1:2:0",
                "SetTrafficWeight",
                ActuationOutcome.REJECTED,
                "deployment shop/checkout not found")),
    PRODUCTION_BREACH(
        () ->
            new LifecycleInput.ProductionBreach(
                Check.ERROR_RATE,
                0.08,
                0.05,
                300,
                "8.0% errors > 5.0% for 300 s: production rolled back"));

    final Supplier<LifecycleInput> input;

    InputKind(Supplier<LifecycleInput> input) {
      this.input = input;
    }

    /**
     * Reports of the cluster may update what the experiment knows of its commands, but move no
     * phase.
     */
    boolean isReport() {
      return input.get() instanceof LifecycleInput.ActuationReport;
    }

    private static LifecycleInput report(
        String id, String kind, ActuationOutcome outcome, String detail) {
      return new LifecycleInput.ActuationReport(id, kind, outcome, detail);
    }
  }

  /** The legal pairs and the phase they end in; every pair not listed must be refused. */
  private static final Map<InputKind, Map<Phase, Phase>> LEGAL = new EnumMap<>(InputKind.class);

  static {
    legal(InputKind.SUBMIT_FREE, Phase.SUBMITTED, Phase.CANARY);
    legal(InputKind.SUBMIT_HELD, Phase.SUBMITTED, Phase.QUEUED);
    legal(InputKind.DEQUEUE, Phase.QUEUED, Phase.CANARY);
    legal(InputKind.OBSERVE_CANARY_WINDOW, Phase.CANARY, Phase.CANARY);
    legal(InputKind.OBSERVE_BASELINE_WINDOW, Phase.CANARY, Phase.CANARY);
    legal(InputKind.OBSERVE_STABLE_WINDOW, Phase.CANARY, Phase.CANARY);
    legal(InputKind.OBSERVE_SEVERE_BREACH, Phase.CANARY, Phase.ROLLING_BACK);
    legal(InputKind.OBSERVE_SEVERE_BREACH_UNDER_CHAOS, Phase.CANARY, Phase.ROLLING_BACK);
    legal(InputKind.OBSERVE_INCONCLUSIVE_PAST_EXTENSION, Phase.CANARY, Phase.PAUSED);
    legal(InputKind.PROMOTE, Phase.CANARY, Phase.PROMOTED);
    legal(InputKind.PROMOTE, Phase.PAUSED, Phase.PROMOTED);
    legal(InputKind.ABORT, Phase.SUBMITTED, Phase.ABORTED);
    legal(InputKind.ABORT, Phase.QUEUED, Phase.ABORTED);
    legal(InputKind.ABORT, Phase.CANARY, Phase.ROLLING_BACK);
    legal(InputKind.ABORT, Phase.PAUSED, Phase.ROLLING_BACK);
    legal(InputKind.PAUSE, Phase.CANARY, Phase.PAUSED);
    legal(InputKind.RESUME, Phase.PAUSED, Phase.CANARY);
    legal(InputKind.RELEASE, Phase.QUARANTINED, Phase.RELEASED);
    legal(InputKind.CHECK_SILENCE, Phase.CANARY, Phase.CANARY);
    legal(InputKind.ROLLBACK_APPLIED, Phase.ROLLING_BACK, Phase.QUARANTINED);
    legal(InputKind.WEIGHT_REJECTED, Phase.CANARY, Phase.ROLLING_BACK);
    legal(InputKind.WEIGHT_REJECTED, Phase.PAUSED, Phase.ROLLING_BACK);
    legal(InputKind.PRODUCTION_BREACH, Phase.PROMOTED, Phase.QUARANTINED);
  }

  private static void legal(InputKind input, Phase from, Phase to) {
    LEGAL.computeIfAbsent(input, k -> new EnumMap<>(Phase.class)).put(from, to);
  }

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (Phase phase : Phase.values()) {
      for (InputKind input : InputKind.values()) {
        Phase expected = LEGAL.getOrDefault(input, Map.of()).get(phase);
        String name =
            expected == null && input.isReport()
                ? input + " in " + phase + " moves no phase and commands nothing"
                : expected == null
                    ? input + " in " + phase + " is refused and changes nothing"
                    : input + " in " + phase + " moves to " + expected;
        pairs.add(Arguments.of(name, phase, input, expected));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyPair")
  void everyPhaseAndInput(String name, Phase phase, InputKind input, Phase expected) {
    Experiment before = Fixtures.inPhase(phase);
    // Silence is judged against the wall clock: an hour after the step began is past any limit.
    Decision decision = CORE.decide(before, input.input.get(), T0.plusSeconds(3600));

    if (expected == null && input.isReport()) {
      assertThat(decision.after().phase()).isEqualTo(phase);
      assertThat(decision.transitions()).isEmpty();
      assertThat(decision.commands()).isEmpty();
    } else if (expected == null) {
      assertThat(decision.isRefused()).as("refused").isTrue();
      assertThat(decision.refusal().message()).contains(phase.name());
      assertThat(decision.after()).isSameAs(before);
      assertThat(decision.transitions()).isEmpty();
      assertThat(decision.commands()).isEmpty();
    } else {
      assertThat(decision.isRefused()).as("refused: %s", decision.refusal()).isFalse();
      assertThat(decision.after().phase()).isEqualTo(expected);
      assertThat(decision.after().revision()).isEqualTo(before.revision() + 1);
      if (expected != phase) {
        assertThat(decision.transitions()).isNotEmpty();
        assertThat(decision.transitions().get(0).from()).isEqualTo(phase);
        assertThat(decision.transitions().get(decision.transitions().size() - 1).to())
            .isEqualTo(expected);
      }
    }
  }
}
