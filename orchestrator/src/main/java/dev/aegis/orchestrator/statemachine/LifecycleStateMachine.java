package dev.aegis.orchestrator.statemachine;

import dev.aegis.orchestrator.lifecycle.Phase;
import dev.aegis.orchestrator.lifecycle.TransitionTable;
import dev.aegis.orchestrator.lifecycle.Trigger;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.statemachine.StateMachine;
import org.springframework.statemachine.StateMachineEventResult;
import org.springframework.statemachine.config.StateMachineBuilder;
import org.springframework.statemachine.support.DefaultStateMachineContext;
import reactor.core.publisher.Mono;

/**
 * The lifecycle's phases and legal moves, defined with Spring Statemachine. This package is the
 * only place that knows Spring Statemachine, so it can be replaced without touching the core.
 *
 * <p>Building or resetting a machine costs hundreds of microseconds, too much for the health-event
 * hot path. So the machine is exercised once, at start-up, for every (phase, trigger) pair, and
 * what it accepts becomes an immutable {@link TransitionTable} that the pure core consults in O(1).
 */
public final class LifecycleStateMachine {

  private LifecycleStateMachine() {}

  /** A new, stopped machine in {@link Phase#SUBMITTED}. */
  public static StateMachine<Phase, Trigger> build() {
    try {
      StateMachineBuilder.Builder<Phase, Trigger> builder = StateMachineBuilder.builder();
      builder.configureConfiguration().withConfiguration().autoStartup(false);
      builder
          .configureStates()
          .withStates()
          .initial(Phase.SUBMITTED)
          .states(EnumSet.allOf(Phase.class));
      builder
          .configureTransitions()
          .withExternal()
          .source(Phase.SUBMITTED)
          .target(Phase.CANARY)
          .event(Trigger.START)
          .and()
          .withExternal()
          .source(Phase.SUBMITTED)
          .target(Phase.QUEUED)
          .event(Trigger.ENQUEUE)
          .and()
          .withExternal()
          .source(Phase.SUBMITTED)
          .target(Phase.ABORTED)
          .event(Trigger.ABORT)
          .and()
          .withExternal()
          .source(Phase.QUEUED)
          .target(Phase.CANARY)
          .event(Trigger.DEQUEUE)
          .and()
          .withExternal()
          .source(Phase.QUEUED)
          .target(Phase.ABORTED)
          .event(Trigger.ABORT)
          .and()
          .withInternal()
          .source(Phase.CANARY)
          .event(Trigger.STEP_PASSED)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.PROMOTED)
          .event(Trigger.FINAL_STEP_PASSED)
          .and()
          .withExternal()
          .source(Phase.PROMOTED)
          .target(Phase.QUARANTINED)
          .event(Trigger.PRODUCTION_BREACH)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.ROLLING_BACK)
          .event(Trigger.STEP_FAILED)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.PAUSED)
          .event(Trigger.STEP_INCONCLUSIVE)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.PAUSED)
          .event(Trigger.PAUSE)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.PROMOTED)
          .event(Trigger.PROMOTE)
          .and()
          .withExternal()
          .source(Phase.CANARY)
          .target(Phase.ROLLING_BACK)
          .event(Trigger.ABORT)
          .and()
          .withExternal()
          .source(Phase.PAUSED)
          .target(Phase.CANARY)
          .event(Trigger.RESUME)
          .and()
          .withExternal()
          .source(Phase.PAUSED)
          .target(Phase.PROMOTED)
          .event(Trigger.PROMOTE)
          .and()
          .withExternal()
          .source(Phase.PAUSED)
          .target(Phase.ROLLING_BACK)
          .event(Trigger.ABORT)
          .and()
          .withExternal()
          .source(Phase.ROLLING_BACK)
          .target(Phase.QUARANTINED)
          .event(Trigger.QUARANTINE)
          .and()
          .withExternal()
          .source(Phase.ROLLING_BACK)
          .target(Phase.ABORTED)
          .event(Trigger.FINISH_ABORT)
          .and()
          .withExternal()
          .source(Phase.QUARANTINED)
          .target(Phase.RELEASED)
          .event(Trigger.RELEASE);
      return builder.build();
    } catch (Exception e) {
      throw new IllegalStateException("lifecycle state machine definition is invalid", e);
    }
  }

  /**
   * Derives the transition table by asking the machine, from every phase, what every trigger does.
   */
  public static TransitionTable transitionTable() {
    StateMachine<Phase, Trigger> machine = build();
    List<TransitionTable.Entry> entries = new ArrayList<>();
    for (Phase from : Phase.values()) {
      for (Trigger trigger : Trigger.values()) {
        fire(machine, from, trigger)
            .ifPresent(to -> entries.add(new TransitionTable.Entry(from, trigger, to)));
      }
    }
    return TransitionTable.of(entries);
  }

  private static Optional<Phase> fire(
      StateMachine<Phase, Trigger> machine, Phase from, Trigger trigger) {
    machine.stopReactively().block();
    machine
        .getStateMachineAccessor()
        .doWithAllRegions(
            access ->
                access
                    .resetStateMachineReactively(
                        new DefaultStateMachineContext<>(from, null, null, null))
                    .block());
    machine.startReactively().block();
    StateMachineEventResult<Phase, Trigger> result =
        machine.sendEvent(Mono.just(MessageBuilder.withPayload(trigger).build())).blockLast();
    if (result == null || result.getResultType() != StateMachineEventResult.ResultType.ACCEPTED) {
      return Optional.empty();
    }
    return Optional.of(machine.getState().getId());
  }
}
