package dev.aegis.operators.resource;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One condition in the standard Kubernetes shape. {@code lastTransitionTime} (RFC 3339, seconds)
 * changes only when {@code status} flips, so it tells how long the experiment has been in the
 * current state.
 *
 * @param type one of {@link ConditionType}
 * @param status {@code True}, {@code False} or {@code Unknown}
 * @param reason a CamelCase word, see {@link ConditionReason}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ExperimentCondition(
    String type, String status, String reason, String message, String lastTransitionTime) {

  public static final String TRUE = "True";
  public static final String FALSE = "False";
  public static final String UNKNOWN = "Unknown";

  boolean isFalse() {
    return FALSE.equals(status);
  }
}
