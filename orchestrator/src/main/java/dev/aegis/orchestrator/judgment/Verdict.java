package dev.aegis.orchestrator.judgment;

/** The outcome of judging a step with the evidence gathered so far. */
public enum Verdict {
  /** The step has not been observed for its minimum duration yet. */
  IN_PROGRESS,
  /**
   * Long enough, but not enough evidence yet (requests, windows for the statistics, a marginal
   * score, a tolerated failure) or silence: the step is extended, never promoted.
   */
  HOLD,
  /** Every check passed and the score reached the pass threshold: advance or promote. */
  PASS,
  /**
   * An SLO check failed, a severe breach, or the score fell below the marginal threshold: roll
   * back.
   */
  FAIL,
  /**
   * Still not enough evidence after the step's extension: paused for a human (policy
   * onInconclusive).
   */
  INCONCLUSIVE;

  /** Whether the verdict moves the experiment. */
  public boolean isConclusive() {
    return switch (this) {
      case PASS, FAIL, INCONCLUSIVE -> true;
      case IN_PROGRESS, HOLD -> false;
    };
  }
}
