package dev.aegis.orchestrator.judgment;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The evidence gathered for the current step: running totals of the canary's windows, so a health
 * window costs O(1), plus the per-window samples the statistics need ({@link StepEvidence}).
 *
 * <p>Observed time is the length of the union of the canary windows' intervals, measured from
 * {@code boundary} (the event time at which the step began): overlapping or repeated windows never
 * count twice, and a gap in reporting does not count as observation. Baseline and stable windows
 * are comparison evidence only: they never advance the step's clock. Because everything here is
 * stored with the experiment, a restarted orchestrator resumes the step where it was.
 *
 * @param boundary windows ending at or before this instant belong to an earlier step; null for step
 *     1
 * @param windows canary windows counted in this step
 * @param requests total requests in those windows
 * @param errors total errors in those windows
 * @param p95RequestWeightedSum sum of (window p95 × window requests), for a request-weighted p95
 * @param p95Sum plain sum of window p95 values, used when no window had requests
 * @param maxP95Ms the worst window p95 seen
 * @param observed union length of the counted windows
 * @param firstWindowStart start of the earliest counted window, or null
 * @param coveredUntil end of the latest counted window, or null
 * @param evidence per-window samples of every track; null in the copy a {@link Judgment} keeps
 * @param failures failing judgments tolerated so far in this step (policy failureLimit)
 * @param extendedFrom observed time when a human resumed the step after it was paused, from which
 *     its extension counts again; null when never resumed
 */
public record StepProgress(
    Instant boundary,
    long windows,
    long requests,
    long errors,
    double p95RequestWeightedSum,
    double p95Sum,
    double maxP95Ms,
    Duration observed,
    Instant firstWindowStart,
    Instant coveredUntil,
    StepEvidence evidence,
    int failures,
    Duration extendedFrom) {

  /** The totals without samples (the shape of issue 2's progress). */
  public StepProgress(
      Instant boundary,
      long windows,
      long requests,
      long errors,
      double p95RequestWeightedSum,
      double p95Sum,
      double maxP95Ms,
      Duration observed,
      Instant firstWindowStart,
      Instant coveredUntil) {
    this(
        boundary,
        windows,
        requests,
        errors,
        p95RequestWeightedSum,
        p95Sum,
        maxP95Ms,
        observed,
        firstWindowStart,
        coveredUntil,
        StepEvidence.EMPTY,
        0,
        null);
  }

  /** A fresh step that starts after {@code boundary} (null: no earlier step). */
  public static StepProgress startingAfter(Instant boundary) {
    return new StepProgress(boundary, 0, 0, 0, 0, 0, 0, Duration.ZERO, null, null);
  }

  /**
   * The next step, starting after this one's last canary window, inheriting comparison windows past
   * it.
   */
  public StepProgress next() {
    StepProgress fresh = startingAfter(coveredUntil);
    return fresh.withEvidence(samples().carriedPast(coveredUntil));
  }

  /** Whether {@code window} ends after this step began, so that it can count toward it. */
  public boolean admits(HealthWindow window) {
    return boundary == null || window.windowEnd().isAfter(boundary);
  }

  /**
   * The totals with canary {@code window} added; {@code faults} are the chaos faults that touched
   * it.
   */
  public StepProgress add(HealthWindow window, List<ActiveFault> faults) {
    Instant from = latest(window.windowStart(), boundary);
    Instant alreadyCovered = coveredUntil == null ? from : latest(from, coveredUntil);
    Duration newlyObserved =
        window.windowEnd().isAfter(alreadyCovered)
            ? Duration.between(alreadyCovered, window.windowEnd())
            : Duration.ZERO;
    return new StepProgress(
        boundary,
        windows + 1,
        requests + window.requests(),
        errors + window.errors(),
        p95RequestWeightedSum + window.p95Ms() * window.requests(),
        p95Sum + window.p95Ms(),
        Math.max(maxP95Ms, window.p95Ms()),
        observed.plus(newlyObserved),
        firstWindowStart == null
            ? window.windowStart()
            : earliest(firstWindowStart, window.windowStart()),
        coveredUntil == null ? window.windowEnd() : latest(coveredUntil, window.windowEnd()),
        samples().with(window, faults),
        failures,
        extendedFrom);
  }

  /** The totals with canary {@code window} added, no chaos. */
  public StepProgress add(HealthWindow window) {
    return add(window, List.of());
  }

  /**
   * A baseline or stable window kept as comparison evidence: the step's clock and totals do not
   * move.
   */
  public StepProgress compare(HealthWindow window, List<ActiveFault> faults) {
    return withEvidence(samples().with(window, faults));
  }

  /** The per-window samples, empty when none were kept. */
  public StepEvidence samples() {
    return evidence == null ? StepEvidence.EMPTY : evidence;
  }

  /** This progress without its samples, as a judgment keeps it. */
  StepProgress withoutSamples() {
    return withEvidence(null);
  }

  public StepProgress withFailures(int count) {
    return new StepProgress(
        boundary,
        windows,
        requests,
        errors,
        p95RequestWeightedSum,
        p95Sum,
        maxP95Ms,
        observed,
        firstWindowStart,
        coveredUntil,
        evidence,
        count,
        extendedFrom);
  }

  /** The step, resumed by a human: its extension counts again from now on. */
  public StepProgress extendedFromNow() {
    return new StepProgress(
        boundary,
        windows,
        requests,
        errors,
        p95RequestWeightedSum,
        p95Sum,
        maxP95Ms,
        observed,
        firstWindowStart,
        coveredUntil,
        evidence,
        failures,
        observed);
  }

  private StepProgress withEvidence(StepEvidence next) {
    return new StepProgress(
        boundary,
        windows,
        requests,
        errors,
        p95RequestWeightedSum,
        p95Sum,
        maxP95Ms,
        observed,
        firstWindowStart,
        coveredUntil,
        next,
        failures,
        extendedFrom);
  }

  /** errors / requests over the step, or 0 without requests. */
  public double errorRate() {
    return requests == 0 ? 0 : (double) errors / requests;
  }

  /** The request-weighted mean of the windows' p95, or their plain mean when none had requests. */
  public double p95Ms() {
    if (requests > 0) {
      return p95RequestWeightedSum / requests;
    }
    return windows == 0 ? 0 : p95Sum / windows;
  }

  private static Instant latest(Instant a, Instant b) {
    if (b == null) {
      return a;
    }
    return a.isAfter(b) ? a : b;
  }

  private static Instant earliest(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
