package dev.aegis.operators.resource;

import static dev.aegis.operators.resource.ExperimentCondition.FALSE;
import static dev.aegis.operators.resource.ExperimentCondition.TRUE;
import static dev.aegis.operators.resource.ExperimentCondition.UNKNOWN;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Computes an {@link ExperimentResource}'s next status from the previous one and what the
 * orchestrator said, as plain functions: the reconciler only performs the calls and writes the
 * result when it differs from the previous status. A condition keeps its {@code lastTransitionTime}
 * unless its status flips, which is what makes "unchanged" detectable by value equality.
 */
final class StatusProjection {

  static final String PHASE_SUBMITTED = "SUBMITTED";
  static final String PHASE_REFUSED = "REFUSED";
  static final String PHASE_PROMOTED = "PROMOTED";
  static final String PHASE_QUARANTINED = "QUARANTINED";

  private StatusProjection() {}

  /**
   * The orchestrator accepted generation {@code generation} of the spec as {@code experimentId}.
   */
  static ExperimentStatus accepted(
      ExperimentStatus previous, String experimentId, long generation, Instant now) {
    String message = ConditionReason.ACCEPTED.message(experimentId);
    List<ExperimentCondition> conditions =
        List.of(
            condition(ConditionType.SUBMITTED, TRUE, ConditionReason.ACCEPTED.value(), message),
            condition(
                ConditionType.PROGRESSING,
                TRUE,
                ConditionReason.ofPhase(PHASE_SUBMITTED),
                message));
    return new ExperimentStatus(
        experimentId,
        PHASE_SUBMITTED,
        0,
        0,
        message,
        null,
        null,
        generation,
        carryTransitionTimes(previous, conditions, now));
  }

  /**
   * The orchestrator refused generation {@code generation}; only a new generation is submitted
   * again.
   */
  static ExperimentStatus refused(
      ExperimentStatus previous, String reason, long generation, Instant now) {
    String message = ConditionReason.REFUSED.message(reason);
    List<ExperimentCondition> conditions =
        List.of(
            condition(ConditionType.SUBMITTED, FALSE, ConditionReason.REFUSED.value(), message),
            condition(ConditionType.PROGRESSING, FALSE, ConditionReason.REFUSED.value(), message));
    return new ExperimentStatus(
        null,
        PHASE_REFUSED,
        null,
        null,
        reason,
        null,
        null,
        generation,
        carryTransitionTimes(previous, conditions, now));
  }

  /** The orchestrator's current view of an accepted experiment. */
  static ExperimentStatus observed(
      ExperimentStatus previous, ExperimentStatusView view, Instant now) {
    List<ExperimentCondition> conditions = new ArrayList<>();
    previous.condition(ConditionType.SUBMITTED).ifPresent(conditions::add);
    conditions.add(
        condition(
            ConditionType.PROGRESSING,
            view.terminal() ? FALSE : TRUE,
            ConditionReason.ofPhase(view.phase()),
            view.message()));
    ConditionReason actuation =
        view.actuationPending()
            ? ConditionReason.COMMANDS_WAITING
            : ConditionReason.COMMANDS_APPLIED;
    conditions.add(
        condition(
            ConditionType.ACTUATION_PENDING,
            view.actuationPending() ? TRUE : FALSE,
            actuation.value(),
            actuation.message()));
    if (PHASE_PROMOTED.equals(view.phase())) {
      conditions.add(
          condition(
              ConditionType.PROMOTED,
              TRUE,
              ConditionReason.PROMOTED.value(),
              ConditionReason.PROMOTED.message()));
    }
    if (PHASE_QUARANTINED.equals(view.phase())) {
      conditions.add(
          condition(
              ConditionType.QUARANTINED,
              TRUE,
              ConditionReason.QUARANTINED.value(),
              ConditionReason.QUARANTINED.message(view.rcaId())));
    }
    return new ExperimentStatus(
        previous.experimentId(),
        view.phase(),
        view.step(),
        view.weight(),
        view.message(),
        view.rcaId(),
        view.actuationPending(),
        previous.observedGeneration(),
        carryTransitionTimes(previous, conditions, now));
  }

  /**
   * The orchestrator no longer knows the experiment (e.g. its database was replaced). Progressing
   * turns Unknown; everything else keeps its last reported value, and the reconciler keeps asking.
   */
  static ExperimentStatus notFound(ExperimentStatus previous, Instant now) {
    String message = ConditionReason.EXPERIMENT_NOT_FOUND.message(previous.experimentId());
    List<ExperimentCondition> conditions = new ArrayList<>();
    for (ExperimentCondition c : previous.conditions()) {
      conditions.add(
          c.type().equals(ConditionType.PROGRESSING.value())
              ? condition(
                  ConditionType.PROGRESSING,
                  UNKNOWN,
                  ConditionReason.EXPERIMENT_NOT_FOUND.value(),
                  message)
              : c);
    }
    return new ExperimentStatus(
        previous.experimentId(),
        previous.phase(),
        previous.step(),
        previous.weight(),
        message,
        previous.rcaId(),
        previous.actuationPending(),
        previous.observedGeneration(),
        carryTransitionTimes(previous, conditions, now));
  }

  private static ExperimentCondition condition(
      ConditionType type, String status, String reason, String message) {
    return new ExperimentCondition(type.value(), status, reason, message, null);
  }

  /** Stamps each condition: the previous time if its status did not flip, else {@code now}. */
  private static List<ExperimentCondition> carryTransitionTimes(
      ExperimentStatus previous, List<ExperimentCondition> conditions, Instant now) {
    String stamp = now.truncatedTo(ChronoUnit.SECONDS).toString();
    List<ExperimentCondition> stamped = new ArrayList<>();
    for (ExperimentCondition c : conditions) {
      String since =
          previous == null
              ? null
              : previous.conditions().stream()
                  .filter(p -> p.type().equals(c.type()) && p.status().equals(c.status()))
                  .map(ExperimentCondition::lastTransitionTime)
                  .findFirst()
                  .orElse(null);
      stamped.add(
          new ExperimentCondition(
              c.type(), c.status(), c.reason(), c.message(), since != null ? since : stamp));
    }
    return stamped;
  }
}
