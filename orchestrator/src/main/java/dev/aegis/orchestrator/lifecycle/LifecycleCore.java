package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.ActiveFault;
import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Check;
import dev.aegis.orchestrator.judgment.HealthWindow;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.StepJudge;
import dev.aegis.orchestrator.judgment.StepProgress;
import dev.aegis.orchestrator.judgment.Verdict;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The pure lifecycle core: {@code decide(experiment, input, now)} returns the next state, the
 * transitions, the commands and the evidence. No I/O, no clock of its own, no randomness: the same
 * arguments always give the same decision, so recorded history replays identically.
 *
 * <p>Legality of every phase change comes from the {@link TransitionTable}; an input whose trigger
 * the current phase does not accept is refused with a reason and changes nothing.
 */
public final class LifecycleCore {

  private final TransitionTable table;

  public LifecycleCore(TransitionTable table) {
    this.table = table;
  }

  public TransitionTable table() {
    return table;
  }

  /**
   * Decides what {@code input} does to {@code experiment}.
   *
   * @param now wall time of the decision: stamps transitions and drives silence; step durations are
   *     measured on the health windows' own event time, never on {@code now}
   */
  public Decision decide(Experiment experiment, LifecycleInput input, Instant now) {
    return input.accept(new Run(experiment, now));
  }

  /** One decision in the making: collects transitions and commands, then builds the result once. */
  private final class Run implements LifecycleInput.Visitor<Decision> {
    private final Experiment before;
    private final Instant now;
    private final List<Transition> transitions = new ArrayList<>();
    private final List<Command.ForExperiment> commands = new ArrayList<>();
    private Experiment current;
    private Judgment judgment;
    private Judgment quarantineEvidence;

    Run(Experiment before, Instant now) {
      this.before = before;
      this.current = before;
      this.now = now;
    }

    @Override
    public Decision submit(LifecycleInput.Submit submit) {
      if (submit.heldBy() != null) {
        return fire(
                Trigger.ENQUEUE,
                Transition.AEGIS,
                "service " + before.service() + " is held by experiment " + submit.heldBy())
            .map(ok -> done())
            .orElseGet(() -> illegal(Trigger.ENQUEUE));
      }
      return startCanary(Trigger.START, "service " + before.service() + " is free");
    }

    @Override
    public Decision dequeue(LifecycleInput.Dequeue dequeue) {
      return startCanary(Trigger.DEQUEUE, "service " + before.service() + " freed; oldest queued");
    }

    private Decision startCanary(Trigger trigger, String why) {
      CanaryStep first = before.policy().step(0);
      if (table.target(before.phase(), trigger).isEmpty()) {
        return illegal(trigger);
      }
      current =
          current.enteringStep(
              0, StepProgress.startingLive(now, before.policy().analysis().settleTime()), now);
      fire(
          trigger,
          Transition.AEGIS,
          why
              + ": canary step 1 of "
              + before.policy().steps().size()
              + " at "
              + first.weight()
              + "%");
      setWeight(first.weight());
      return done();
    }

    @Override
    public Decision observe(LifecycleInput.Observe observe) {
      HealthWindow window = observe.window();
      if (before.phase() != Phase.CANARY) {
        return Decision.refused(
            before,
            Refusal.NOT_JUDGING,
            "health windows are judged only in CANARY; experiment "
                + before.id()
                + " is "
                + before.phase());
      }
      boolean canary = window.track() == HealthWindow.Track.CANARY;
      if (canary != window.version().equals(before.candidate().version())) {
        return Decision.refused(
            before,
            Refusal.NOT_CANDIDATE_WINDOW,
            "window of "
                + window.track()
                + " version "
                + window.version()
                + " is neither the canary of candidate "
                + before.candidate().version()
                + " nor a baseline or stable window of another version");
      }
      StepProgress progress = canary ? before.progress().anchoredBy(window) : before.progress();
      if (!progress.admits(window)) {
        return Decision.refused(
            before,
            Refusal.WINDOW_BEFORE_STEP,
            "window ending "
                + window.windowEnd()
                + " belongs before step "
                + (before.stepIndex() + 1)
                + ", whose evidence counts from "
                + progress.boundary()
                + shiftText(progress.shift()));
      }
      List<ActiveFault> faults = ActiveFault.touching(observe.faults(), window);
      if (!canary) {
        // Comparison evidence: kept for the statistics, never advances the step's clock or silence.
        current = current.withProgress(progress.compare(window, faults));
        return done();
      }
      StepProgress next = progress.add(window, faults, before.policy(), before.stepIndex());
      // A draft while the verdict moves nothing: the next window usually replaces it unread.
      judgment = StepJudge.draft(before.policy(), before.stepIndex(), next, window.windowEnd());
      // A tolerated failure (policy failureLimit) is counted in the judgment's copy of the
      // progress.
      next = next.withFailures(judgment.progress().failures());
      current = current.observed(next, judgment, now);
      return switch (judgment.verdict()) {
        case IN_PROGRESS, HOLD -> done();
        case PASS -> stepPassed(next);
        case FAIL -> stepFailed();
        case INCONCLUSIVE -> stepInconclusive();
      };
    }

    private Decision stepInconclusive() {
      fire(Trigger.STEP_INCONCLUSIVE, Transition.AEGIS, judgment.summary());
      return done();
    }

    private Decision stepPassed(StepProgress finished) {
      if (before.policy().isLast(before.stepIndex())) {
        fire(Trigger.FINAL_STEP_PASSED, Transition.AEGIS, judgment.summary());
        commands.add(
            new Command.PromoteCandidate(
                nextCommandId(),
                before.id(),
                before.service(),
                before.namespace(),
                before.candidate()));
        return done();
      }
      int nextIndex = before.stepIndex() + 1;
      current =
          current.enteringStep(
              nextIndex, finished.next(before.policy().analysis().settleTime()), now);
      fire(
          Trigger.STEP_PASSED,
          Transition.AEGIS,
          judgment.summary()
              + "; advancing to step "
              + (nextIndex + 1)
              + " at "
              + before.policy().step(nextIndex).weight()
              + "%");
      setWeight(before.policy().step(nextIndex).weight());
      return done();
    }

    private Decision stepFailed() {
      fire(Trigger.STEP_FAILED, Transition.AEGIS, judgment.summary() + "; rolling back");
      rollBack(judgment.summary(), Phase.QUARANTINED);
      return done();
    }

    /** Commands the rollback and waits for the cluster to report it applied before settling. */
    private void rollBack(String reason, Phase settlesTo) {
      String id = nextCommandId();
      commands.add(
          new Command.RollBackCandidate(
              id, before.id(), before.service(), before.namespace(), before.candidate(), reason));
      current = current.withActuation(current.actuation().awaitingRollback(id, settlesTo));
    }

    @Override
    public Decision manual(LifecycleInput.Manual manual) {
      Trigger trigger = manual.action().trigger();
      String why =
          manual.action().name().toLowerCase(Locale.ROOT)
              + " requested by "
              + manual.actor()
              + (manual.reason() == null || manual.reason().isBlank()
                  ? ""
                  : ": " + manual.reason());
      if (fire(trigger, manual.actor(), why).isEmpty()) {
        return illegal(trigger);
      }
      switch (manual.action()) {
        case PROMOTE ->
            commands.add(
                new Command.PromoteCandidate(
                    nextCommandId(),
                    before.id(),
                    before.service(),
                    before.namespace(),
                    before.candidate()));
        case ABORT -> finishAbort(manual.actor());
        case RESUME -> current = current.resumedAt(now); // restart the silence clock, keep the step
        case PAUSE, RELEASE -> {}
      }
      return done();
    }

    private void finishAbort(String actor) {
      if (current.phase() != Phase.ROLLING_BACK) {
        return; // aborted before any traffic reached the candidate: nothing to roll back
      }
      rollBack("aborted by " + actor, Phase.ABORTED);
    }

    @Override
    public Decision actuationReport(LifecycleInput.ActuationReport report) {
      Actuation actuation = before.actuation();
      boolean awaited = report.commandId().equals(actuation.awaiting());
      switch (report.outcome()) {
        case APPLIED -> {
          if (awaited && before.phase() == Phase.ROLLING_BACK) {
            return settle(report);
          }
          if (actuation.failures() > 0 || actuation.problem() != null) {
            current = current.withActuation(actuation.succeeded());
          }
        }
        case DEFERRED ->
            current =
                current.withActuation(
                    actuation.failed(
                        report.commandKind()
                            + " "
                            + report.commandId()
                            + " pending: "
                            + report.detail(),
                        awaited && actuation.failures() + 1 >= Actuation.ALARM_AFTER));
        case REJECTED -> {
          String problem =
              report.commandKind() + " " + report.commandId() + " rejected: " + report.detail();
          current =
              current.withActuation(
                  actuation.failed(problem, awaited || before.phase().isSettled()));
          if (!awaited && (before.phase() == Phase.CANARY || before.phase() == Phase.PAUSED)) {
            // The candidate cannot get its traffic: not its fault, so abort rather than quarantine.
            fire(Trigger.ABORT, Transition.AEGIS, "aborted: " + problem);
            rollBack("actuation failed: " + problem, Phase.ABORTED);
          }
        }
      }
      return done();
    }

    @Override
    public Decision productionBreach(LifecycleInput.ProductionBreach breach) {
      judgment =
          new Judgment(
              Verdict.FAIL,
              before.policy().steps().size(),
              100,
              breach.summary(),
              List.of(Check.below(breach.check(), breach.observed(), breach.threshold())),
              before.progress(),
              breach.sustainedSeconds(),
              now);
      if (fire(Trigger.PRODUCTION_BREACH, Transition.AEGIS, breach.summary()).isEmpty()) {
        return illegal(Trigger.PRODUCTION_BREACH);
      }
      current = current.observed(before.progress(), judgment, now);
      quarantineEvidence = judgment;
      return done();
    }

    /** The awaited rollback is applied: the experiment ends as it was headed. */
    private Decision settle(LifecycleInput.ActuationReport report) {
      Phase target = before.actuation().settlesTo();
      current = current.withActuation(before.actuation().settled());
      if (target == Phase.QUARANTINED) {
        fire(
            Trigger.QUARANTINE,
            Transition.AEGIS,
            "rollback applied ("
                + report.detail()
                + "); candidate "
                + before.candidate().version()
                + " quarantined into V3");
        commands.add(
            new Command.QuarantineCandidate(
                nextCommandId(),
                before.id(),
                before.service(),
                before.namespace(),
                before.candidate(),
                before.id()));
        // The failing judgment is the last one: nothing is judged while rolling back.
        quarantineEvidence = before.lastJudgment();
      } else {
        fire(
            Trigger.FINISH_ABORT,
            Transition.AEGIS,
            "rollback applied (" + report.detail() + "); experiment aborted");
      }
      return done();
    }

    @Override
    public Decision checkSilence(LifecycleInput.CheckSilence tick) {
      if (before.phase() != Phase.CANARY) {
        return Decision.refused(
            before,
            Refusal.NOT_JUDGING,
            "silence is watched only in CANARY; experiment "
                + before.id()
                + " is "
                + before.phase());
      }
      Instant heardAt =
          before.lastWindowAt() == null ? before.stepEnteredAt() : before.lastWindowAt();
      Duration silence = heardAt == null ? Duration.ZERO : Duration.between(heardAt, now);
      Duration limit = before.policy().maxSilence();
      if (before.silent() || silence.compareTo(limit) <= 0) {
        return Decision.unchanged(before);
      }
      Check check = Check.below(Check.SILENCE, silence.toSeconds(), limit.toSeconds());
      judgment =
          new Judgment(
              Verdict.HOLD,
              before.stepIndex() + 1,
              before.currentStep().weight(),
              String.format(
                  Locale.ROOT,
                  "step %d at %d%%: held, no health window for %ds (limit %ds)",
                  before.stepIndex() + 1,
                  before.currentStep().weight(),
                  silence.toSeconds(),
                  limit.toSeconds()),
              List.of(check),
              before.progress(),
              before.currentStep().minDuration().toSeconds(),
              now);
      current = current.flaggedSilent(judgment);
      return done();
    }

    private Optional<Phase> fire(Trigger trigger, String actor, String reason) {
      Optional<Phase> target = table.target(current.phase(), trigger);
      target.ifPresent(
          to -> {
            Phase from = current.phase();
            current = current.withPhase(to);
            Judgment evidence = trigger.isManual() ? null : judgment;
            transitions.add(
                new Transition(
                    from,
                    to,
                    trigger,
                    stepNumber(to),
                    current.currentWeight(),
                    reason,
                    actor,
                    evidence,
                    now));
          });
      return target;
    }

    private int stepNumber(Phase to) {
      return to == Phase.SUBMITTED || to == Phase.QUEUED ? 0 : current.stepIndex() + 1;
    }

    private void setWeight(int weight) {
      commands.add(
          new Command.SetTrafficWeight(
              nextCommandId(),
              before.id(),
              before.service(),
              before.namespace(),
              before.candidate(),
              weight));
    }

    private String nextCommandId() {
      return before.id() + ":" + (before.revision() + 1) + ":" + commands.size();
    }

    private Decision illegal(Trigger trigger) {
      return Decision.refused(
          before,
          Refusal.ILLEGAL_TRANSITION,
          "cannot "
              + trigger.name().toLowerCase(Locale.ROOT).replace('_', ' ')
              + " experiment "
              + before.id()
              + " in phase "
              + before.phase()
              + "; it accepts "
              + table.accepted(before.phase()));
    }

    private Decision done() {
      if (current == before) {
        return Decision.unchanged(before);
      }
      Experiment after = current.withRevision(before.revision() + 1);
      return new Decision(before, after, transitions, commands, judgment, quarantineEvidence, null);
    }
  }

  private static String shiftText(StepProgress.Shift shift) {
    if (shift == null) {
      return "";
    }
    return " (traffic shifted at "
        + shift.appliedAt()
        + ", settle time "
        + shift.settle()
        + ", "
        + shift.timeline().name().toLowerCase(Locale.ROOT)
        + " stream)";
  }
}
