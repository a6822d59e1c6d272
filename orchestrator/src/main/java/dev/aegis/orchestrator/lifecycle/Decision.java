package dev.aegis.orchestrator.lifecycle;

import dev.aegis.orchestrator.judgment.Judgment;
import java.util.List;

/**
 * What the core decided for one input: the next state, the transitions it took, the commands to
 * carry out, and the evidence. The edges write all of it in one transaction, or nothing.
 *
 * @param judgment the judgment made for this input, or null when none was made
 * @param quarantineEvidence the failing judgment when this decision quarantined the candidate (the
 *     RCA is built from it), else null
 * @param refusal why the input was refused, or null; a refused decision has {@code after == before}
 */
public record Decision(
    Experiment before,
    Experiment after,
    List<Transition> transitions,
    List<Command.ForExperiment> commands,
    Judgment judgment,
    Judgment quarantineEvidence,
    Refusal refusal) {

  public Decision {
    transitions = List.copyOf(transitions);
    commands = List.copyOf(commands);
  }

  /** The judgment made for this input, with its text (a draft is explained on first read). */
  @Override
  public Judgment judgment() {
    return judgment == null ? null : judgment.explained();
  }

  static Decision refused(Experiment experiment, String code, String message) {
    return new Decision(
        experiment, experiment, List.of(), List.of(), null, null, new Refusal(code, message));
  }

  static Decision unchanged(Experiment experiment) {
    return new Decision(experiment, experiment, List.of(), List.of(), null, null, null);
  }

  public boolean isRefused() {
    return refusal != null;
  }

  /** Whether anything must be written. */
  public boolean changed() {
    return after != before;
  }

  /**
   * Whether this decision ended the experiment's hold on its service, so a queued one may start.
   */
  public boolean freedService() {
    return before.phase().holdsService() && !after.phase().holdsService();
  }
}
