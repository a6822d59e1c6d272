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
   * The evidence a draft was judged from (samples included, and the failure count the judge saw
   * before this judgment counted one), or null when this judgment has its text. With the policy,
   * the step and {@link #at()} it determines the judgment: what lets the experiment row store a
   * draft by reference ({@link #reread}).
   */
  public StepProgress judged() {
    return draft == null ? null : draft.progress;
  }

  /**
   * A draft judgment stored by reference and read back: the verdict as decided, and the judge's
   * checks, score and text of {@code judged} written when first {@linkplain #explained() read}. The
   * checks, score and comparison are empty until then; no reader outside the core sees them so.
   *
   * @param judged the evidence the judge saw, samples included ({@link #judged()})
   * @param progress the step's progress as stored with the judgment (the judgment's own copy)
   */
  public static Judgment reread(
      Policy policy,
      int stepIndex,
      Verdict verdict,
      Instant at,
      StepProgress judged,
      StepProgress progress) {
    if (verdict.isConclusive()) {
      throw new IllegalArgumentException(
          "a conclusive judgment is stored with its text: " + verdict);
    }
    CanaryStep step = policy.step(stepIndex);
    return new Judgment(
        verdict,
        stepIndex + 1,
        step.weight(),
        null,
        List.of(),
        progress.withoutSamples(),
        step.minDuration().toSeconds(),
        at,
        null,
        null,
        judged.samples().faults(),
        new Draft(policy, stepIndex, judged));
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
