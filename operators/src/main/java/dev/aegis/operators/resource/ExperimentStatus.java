package dev.aegis.operators.resource;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Optional;

/**
 * What the reconciler reports on an {@link ExperimentResource}: a coarse {@code phase} for people
 * and printer columns, and the conditions it is derived from for tools ({@code kubectl wait
 * --for=condition=Promoted}). A value: {@link StatusProjection} computes the next one, and the
 * reconciler writes it only when it differs.
 *
 * @param experimentId the orchestrator's id, set once the submission is accepted
 * @param phase the orchestrator's lifecycle phase, or {@code REFUSED}
 * @param step 1-based canary step, 0 before the first
 * @param weight canary traffic weight in percent
 * @param message the latest transition's reason, or why the submission was refused
 * @param rcaId the RCA record's id once quarantined
 * @param actuationPending true while a command for this experiment waits to be applied
 * @param observedGeneration the spec generation the orchestrator last answered
 * @param conditions see {@link ConditionType}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentStatus(
    String experimentId,
    String phase,
    Integer step,
    Integer weight,
    String message,
    String rcaId,
    Boolean actuationPending,
    Long observedGeneration,
    List<ExperimentCondition> conditions) {

  public ExperimentStatus {
    conditions = conditions == null ? List.of() : List.copyOf(conditions);
  }

  /** The condition of the given type, if present. */
  public Optional<ExperimentCondition> condition(ConditionType type) {
    return conditions.stream().filter(c -> c.type().equals(type.value())).findFirst();
  }

  /**
   * True while the orchestrator may still act on the experiment: accepted and not yet ended. Read
   * from the Progressing condition, so the reconciler needs no list of terminal phases of its own.
   */
  public boolean running() {
    return experimentId != null
        && condition(ConditionType.PROGRESSING).map(c -> !c.isFalse()).orElse(true);
  }
}
