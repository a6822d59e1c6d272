package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.List;

/**
 * A verdict on one step with everything that led to it, so an SRE can read why Aegis acted.
 *
 * @param step 1-based step number
 * @param weight the step's traffic weight in percent
 * @param summary one sentence in plain terms
 * @param checks every check with observed value, threshold and, for the metrics, classification,
 *     test, statistic and p-value
 * @param progress the step's evidence: windows, requests, errors, observed event time (without the
 *     per-window samples, which stay with the experiment)
 * @param minDurationSeconds the step's minimum duration, for reading {@code progress.observed()}
 * @param at event time of the window that produced the judgment (wall time for silence checks)
 * @param score the comparison score and its thresholds, or null when no comparison was made
 * @param comparedWith the reference track of the comparison ({@code baseline} or {@code stable}),
 *     or null when neither reported windows in the step's span
 * @param chaos chaos faults active on any window of the step (canary or reference), empty if none
 */
public record Judgment(
    Verdict verdict,
    int step,
    int weight,
    String summary,
    List<Check> checks,
    StepProgress progress,
    long minDurationSeconds,
    Instant at,
    Score score,
    String comparedWith,
    List<ActiveFault> chaos) {

  public Judgment {
    checks = List.copyOf(checks);
    chaos = chaos == null ? List.of() : List.copyOf(chaos);
  }

  /** A judgment without comparison or chaos (silence, and the shape of issue 2's judgments). */
  public Judgment(
      Verdict verdict,
      int step,
      int weight,
      String summary,
      List<Check> checks,
      StepProgress progress,
      long minDurationSeconds,
      Instant at) {
    this(
        verdict,
        step,
        weight,
        summary,
        checks,
        progress,
        minDurationSeconds,
        at,
        null,
        null,
        List.of());
  }

  /** The quality checks that failed (SLO, severe and comparison checks classified HIGH). */
  public List<Check> failedChecks() {
    return checks.stream().filter(c -> !c.passed() && c.isSloCheck()).toList();
  }
}
