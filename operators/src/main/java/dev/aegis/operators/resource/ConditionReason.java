package dev.aegis.operators.resource;

import java.util.Locale;

/**
 * The reasons the reconciler writes on conditions, each paired with its message template, kept in
 * one place so that the docs and alerting rules can rely on them. Progressing takes its reason from
 * the lifecycle phase instead ({@link #ofPhase}), so a phase the orchestrator adds later needs no
 * change here.
 */
public enum ConditionReason {
  ACCEPTED("Accepted", "accepted by the orchestrator as experiment %s"),
  REFUSED("Refused", "refused by the orchestrator: %s"),
  EXPERIMENT_NOT_FOUND("ExperimentNotFound", "the orchestrator does not know experiment %s"),
  COMMANDS_WAITING(
      "CommandsWaiting", "a command for this experiment waits to be applied to the cluster"),
  COMMANDS_APPLIED("CommandsApplied", "no command for this experiment is waiting"),
  PROMOTED("Promoted", "the candidate is now production (V2)"),
  QUARANTINED("Quarantined", "the candidate is quarantined (V3); root-cause analysis %s");

  private final String value;
  private final String template;

  ConditionReason(String value, String template) {
    this.value = value;
    this.template = template;
  }

  /** The reason as written to the resource. */
  public String value() {
    return value;
  }

  /** The condition message, the template filled with {@code args}. */
  public String message(Object... args) {
    return String.format(Locale.ROOT, template, args);
  }

  /**
   * The Progressing reason for a lifecycle phase: {@code ROLLING_BACK} becomes {@code RollingBack}.
   */
  public static String ofPhase(String phase) {
    StringBuilder reason = new StringBuilder();
    for (String word : phase.toLowerCase(Locale.ROOT).split("_")) {
      if (!word.isEmpty()) {
        reason.append(Character.toUpperCase(word.charAt(0))).append(word.substring(1));
      }
    }
    return reason.toString();
  }
}
