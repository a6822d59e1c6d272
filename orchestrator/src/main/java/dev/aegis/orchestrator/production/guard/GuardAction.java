package dev.aegis.orchestrator.production.guard;

import java.util.List;

/** What the guard asks for, with the evidence an SRE reads to know why. */
public sealed interface GuardAction permits GuardAction.RollBack, GuardAction.ScaleUp {

  Evidence evidence();

  /** Return production to the previous V2 and quarantine {@code badVersion} into V3. */
  record RollBack(String service, String badVersion, Evidence evidence) implements GuardAction {}

  /**
   * Scale the stable Deployment from {@code from} to {@code to} replicas (never above the ceiling).
   */
  record ScaleUp(String service, int from, int to, Evidence evidence) implements GuardAction {}

  /**
   * @param signal error-rate, p95-latency or cpu
   * @param observed the value in the window that triggered the action
   * @param threshold the high mark
   * @param sustainedSeconds how long (event time) the breach had lasted
   * @param requiredSeconds how long it had to last
   * @param windows the windows since the breach began that the guard saw (count)
   * @param summary one plain sentence
   */
  record Evidence(
      String signal,
      double observed,
      double threshold,
      long sustainedSeconds,
      long requiredSeconds,
      int windows,
      String summary,
      List<String> notes) {}
}
