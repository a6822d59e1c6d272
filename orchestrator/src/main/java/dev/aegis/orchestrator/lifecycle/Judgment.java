package dev.aegis.orchestrator.lifecycle;

import java.time.Instant;
import java.util.List;

/**
 * A verdict on one step with everything that led to it, so an SRE can read why Aegis acted.
 *
 * @param step 1-based step number
 * @param weight the step's traffic weight in percent
 * @param summary one sentence in plain terms
 * @param checks every check with observed value and threshold
 * @param progress the step's evidence: windows, requests, errors, observed event time
 * @param minDurationSeconds the step's minimum duration, for reading {@code progress.observed()}
 * @param at event time of the window that produced the judgment (wall time for silence checks)
 */
public record Judgment(
    Verdict verdict,
    int step,
    int weight,
    String summary,
    List<Check> checks,
    StepProgress progress,
    long minDurationSeconds,
    Instant at) {

  public Judgment {
    checks = List.copyOf(checks);
  }

  /** The SLO checks that failed. */
  public List<Check> failedChecks() {
    return checks.stream().filter(c -> !c.passed() && c.isSloCheck()).toList();
  }
}
