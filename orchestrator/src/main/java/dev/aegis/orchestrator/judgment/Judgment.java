package dev.aegis.orchestrator.judgment;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

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
 * @param draft null for a judgment with its text; for a {@linkplain StepJudge#draft draft} (no
 *     summary, no explanations), what the judge needs to write them. Never stored or shown: every
 *     reader outside the core gets {@link #explained()}.
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
    List<ActiveFault> chaos,
    Draft draft) {

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
        List.of(),
        null);
  }

  /**
   * This judgment with its summary and explanations: itself, or for a draft the judge's judgment of
   * the same evidence, written on the first call and kept.
   */
  public Judgment explained() {
    return draft == null ? this : draft.explained(at);
  }

  /**
   * What a draft judgment was judged from: the policy, the step and its evidence (samples
   * included). Equal drafts give equal judgments; the text, once written, is kept here.
   */
  public static final class Draft {
    private final Policy policy;
    private final int stepIndex;
    private final StepProgress progress;
    private volatile Judgment explained;

    Draft(Policy policy, int stepIndex, StepProgress progress) {
      this.policy = policy;
      this.stepIndex = stepIndex;
      this.progress = progress;
    }

    private Judgment explained(Instant at) {
      Judgment written = explained;
      if (written == null) {
        written = StepJudge.judge(policy, stepIndex, progress, at);
        explained = written;
      }
      return written;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Draft d
          && stepIndex == d.stepIndex
          && policy.equals(d.policy)
          && progress.equals(d.progress);
    }

    @Override
    public int hashCode() {
      return Objects.hash(policy, stepIndex, progress);
    }

    @Override
    public String toString() {
      return "Draft[step " + (stepIndex + 1) + "]";
    }
  }

  /** The quality checks that failed (SLO, severe and comparison checks classified HIGH). */
  public List<Check> failedChecks() {
    return checks.stream().filter(c -> !c.passed() && c.isSloCheck()).toList();
  }
}
