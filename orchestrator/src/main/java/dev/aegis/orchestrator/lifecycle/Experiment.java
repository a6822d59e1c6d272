package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.CanaryStep;
import dev.aegis.orchestrator.judgment.Judgment;
import dev.aegis.orchestrator.judgment.Policy;
import dev.aegis.orchestrator.judgment.StepProgress;
import java.time.Instant;
import java.util.Objects;

/**
 * The full state of one experiment as the core sees it. Immutable; the core returns a new value.
 *
 * @param productionVersion the V2 version of the service when the experiment was submitted, or null
 * @param revision bumped by every decision that changes something; the persistence layer uses it
 *     for optimistic locking and the core uses it to give commands deterministic ids
 * @param stepEnteredAt wall time the current step began, or the canary resumed (for silence only)
 * @param lastWindowAt wall time the last counted window arrived, or null (for silence only)
 * @param silent whether the current step is flagged as held for silence
 * @param actuation what the cluster reported of this experiment's commands (never null)
 */
public record Experiment(
    String id,
    String service,
    String namespace,
    Candidate candidate,
    Policy policy,
    Phase phase,
    int stepIndex,
    StepProgress progress,
    Judgment lastJudgment,
    String productionVersion,
    long revision,
    Instant submittedAt,
    Instant stepEnteredAt,
    Instant lastWindowAt,
    boolean silent,
    Actuation actuation) {

  public Experiment {
    actuation = actuation == null ? Actuation.NONE : actuation;
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(candidate, "candidate");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(phase, "phase");
    Objects.requireNonNull(progress, "progress");
  }

  /**
   * The last judgment with its text. The core may hold a {@linkplain Judgment#draft() draft} while
   * windows arrive; whoever reads it gets the judge's full judgment of the same evidence.
   */
  @Override
  public Judgment lastJudgment() {
    return lastJudgment == null ? null : lastJudgment.explained();
  }

  /**
   * Equal states: every component equal, the last judgment compared as read, so a draft equals the
   * judgment it explains to (the state a batch keeps and the state it writes are one state).
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof Experiment e
        && stepIndex == e.stepIndex
        && revision == e.revision
        && silent == e.silent
        && id.equals(e.id)
        && service.equals(e.service)
        && Objects.equals(namespace, e.namespace)
        && candidate.equals(e.candidate)
        && policy.equals(e.policy)
        && phase == e.phase
        && progress.equals(e.progress)
        && Objects.equals(lastJudgment(), e.lastJudgment())
        && Objects.equals(productionVersion, e.productionVersion)
        && Objects.equals(submittedAt, e.submittedAt)
        && Objects.equals(stepEnteredAt, e.stepEnteredAt)
        && Objects.equals(lastWindowAt, e.lastWindowAt)
        && actuation.equals(e.actuation);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress,
        lastJudgment(),
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        actuation);
  }

  /**
   * The last judgment as the core left it: a {@linkplain Judgment#draft() draft} while windows
   * arrive (verdict, step and {@code at} set, no text). For the persistence layer, which writes the
   * text only of judgments it stores.
   */
  public Judgment judgmentAsDecided() {
    return lastJudgment;
  }

  /** This experiment with {@code judgment} as its last judgment, everything else as it is. */
  public Experiment withLastJudgment(Judgment judgment) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress,
        judgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        actuation);
  }

  /**
   * This experiment with its last judgment's text written: itself unless the judgment is a draft. A
   * state that leaves its batch (written, cached) is explained, so no draft keeps its step's
   * samples alive.
   */
  public Experiment explained() {
    if (lastJudgment == null || lastJudgment.draft() == null) {
      return this;
    }
    return withLastJudgment(lastJudgment.explained());
  }

  /** A new experiment, before its first decision. */
  public static Experiment submitted(
      String id,
      String service,
      String namespace,
      Candidate candidate,
      Policy policy,
      String productionVersion,
      Instant now) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        Phase.SUBMITTED,
        0,
        StepProgress.startingAfter(null),
        null,
        productionVersion,
        0,
        now,
        null,
        null,
        false,
        Actuation.NONE);
  }

  /** The step currently running or last run. */
  public CanaryStep currentStep() {
    return policy.step(stepIndex);
  }

  /**
   * The traffic weight the candidate should receive now: the step's weight while it is live, else
   * 0.
   */
  public int currentWeight() {
    return switch (phase) {
      case CANARY, PAUSED -> currentStep().weight();
      case PROMOTED -> 100;
      case SUBMITTED, QUEUED, ROLLING_BACK, QUARANTINED, ABORTED, RELEASED -> 0;
    };
  }

  Experiment withPhase(Phase next) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        next,
        stepIndex,
        progress,
        lastJudgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        actuation);
  }

  Experiment enteringStep(int index, StepProgress fresh, Instant now) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        index,
        fresh,
        lastJudgment,
        productionVersion,
        revision,
        submittedAt,
        now,
        null,
        false,
        actuation);
  }

  Experiment observed(StepProgress next, Judgment judgment, Instant now) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        next,
        judgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        now,
        false,
        actuation);
  }

  /** Comparison evidence added: neither the silence clock nor the last judgment changes. */
  Experiment withProgress(StepProgress next) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        next,
        lastJudgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        actuation);
  }

  Experiment flaggedSilent(Judgment judgment) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress,
        judgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        true,
        actuation);
  }

  /** Resumed by a human: the silence clock restarts and the step's extension counts again. */
  Experiment resumedAt(Instant now) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress.extendedFromNow(),
        lastJudgment,
        productionVersion,
        revision,
        submittedAt,
        now,
        lastWindowAt,
        false,
        actuation);
  }

  Experiment withRevision(long next) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress,
        lastJudgment,
        productionVersion,
        next,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        actuation);
  }

  Experiment withActuation(Actuation next) {
    return new Experiment(
        id,
        service,
        namespace,
        candidate,
        policy,
        phase,
        stepIndex,
        progress,
        lastJudgment,
        productionVersion,
        revision,
        submittedAt,
        stepEnteredAt,
        lastWindowAt,
        silent,
        next);
  }
}
