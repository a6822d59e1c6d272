package dev.aegis.orchestrator.lifecycle;

/** The outcome of judging a step with the evidence gathered so far. */
public enum Verdict {
  /** The step has not been observed for its minimum duration yet. */
  IN_PROGRESS,
  /** Long enough, but too little evidence (requests) or silence: wait, never promote. */
  HOLD,
  /** Every check passed: advance or promote. */
  PASS,
  /** At least one SLO check failed: roll back and quarantine. */
  FAIL;

  /** Whether the verdict moves the experiment. */
  public boolean isConclusive() {
    return switch (this) {
      case PASS, FAIL -> true;
      case IN_PROGRESS, HOLD -> false;
    };
  }
}
