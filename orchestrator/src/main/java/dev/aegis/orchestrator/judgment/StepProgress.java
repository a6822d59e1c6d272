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
 * @param boundary windows ending at or before this instant belong to an earlier step, or before the
 *     traffic shift; null when there is none (step 1 of a replayed stream, or before its first
 *     canary window)
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
 * @param shift the traffic shift this step's evidence counts from, with the settle time after it
 *     and the part of straddling windows left out; null for a step stored before it was kept
 * @param sequential the experiment's anytime-valid tests so far (null, as stored before they
 *     existed: {@link Sequential#START})
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
    Duration extendedFrom,
    Shift shift,
    Sequential sequential) {

  public StepProgress {
    sequential = sequential == null ? Sequential.START : sequential;
  }

  /**
   * The traffic shift a step's evidence counts from: {@code boundary = appliedAt + settle}.
   *
   * @param appliedAt when the step's traffic shift was decided (event time of the last counted
   *     window for a later step)
   * @param settle how long after the shift evidence starts to count
   * @param excludedRequests requests of canary windows straddling the boundary, in their part
   *     before it: kept for the record, not judged
   * @param excludedErrors errors in that part
   * @param timeline whether the step is judged from the shift on ({@code LIVE}), on the timeline of
   *     a stream recorded before it ({@code REPLAYED}), or, for step 1, not yet known ({@code
   *     PENDING}); null, as stored before it was kept: {@code LIVE}
   */
  public record Shift(
      Instant appliedAt,
      Duration settle,
      long excludedRequests,
      long excludedErrors,
      Timeline timeline) {

    public Shift {
      settle = settle == null ? Duration.ZERO : settle;
      timeline = timeline == null ? Timeline.LIVE : timeline;
    }

    public Shift(Instant appliedAt, Duration settle, long excludedRequests, long excludedErrors) {
      this(appliedAt, settle, excludedRequests, excludedErrors, Timeline.LIVE);
    }

    Shift excluding(long requests, long errors) {
      return new Shift(
          appliedAt, settle, excludedRequests + requests, excludedErrors + errors, timeline);
    }

    Shift on(Timeline next) {
      return new Shift(appliedAt, settle, excludedRequests, excludedErrors, next);
    }
  }

  /**
   * How a step's windows relate to its traffic shift. Step 1's shift is decided on the wall clock
   * (submission or dequeue) while windows carry event time, so its first canary window tells which
   * timeline the stream is on: ending after the shift, it is live, and only evidence after the
   * shift (plus the settle time) counts; ending at or before it, the stream was recorded earlier (a
   * replay, a backfill, a backtest) and is judged on its own timeline, as the core judges replays.
   */
  public enum Timeline {
    /** Step 1 before its first canary window. */
    PENDING,
    /** Evidence counts from the shift plus the settle time. */
    LIVE,
    /** A stream recorded before the shift: judged on its own timeline, without a boundary. */
    REPLAYED
  }

  /** The totals with samples, without a recorded shift (the shape before issue 14). */
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
      Instant coveredUntil,
      StepEvidence evidence,
      int failures,
      Duration extendedFrom) {
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
        evidence,
        failures,
        extendedFrom,
        null,
        null);
  }

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
   * A fresh step whose traffic shift was decided at {@code shiftedAt}: its evidence counts from
   * {@code shiftedAt + settle}.
   */
  public static StepProgress startingAt(Instant shiftedAt, Duration settle) {
    Shift shift = new Shift(shiftedAt, settle, 0, 0);
    return new StepProgress(
        shiftedAt.plus(shift.settle()),
        0,
        0,
        0,
        0,
        0,
        0,
        Duration.ZERO,
        null,
        null,
        StepEvidence.EMPTY,
        0,
        null,
        shift,
        null);
  }

  /**
   * Step 1, whose traffic shift was decided at {@code decidedAt} on the wall clock: its boundary is
   * fixed by its first canary window ({@link #anchoredBy}).
   */
  public static StepProgress startingLive(Instant decidedAt, Duration settle) {
    StepProgress fresh = startingAt(decidedAt, settle);
    return fresh.withBoundary(null, fresh.shift().on(Timeline.PENDING));
  }

  /**
   * This step with its timeline fixed by canary {@code window}, if it was still pending: live, with
   * the boundary at the shift plus the settle time, when the window ends after the shift; replayed,
   * without a boundary, when it ends at or before it.
   */
  public StepProgress anchoredBy(HealthWindow window) {
    if (shift == null || shift.timeline() != Timeline.PENDING) {
      return this;
    }
    return window.windowEnd().isAfter(shift.appliedAt())
        ? withBoundary(shift.appliedAt().plus(shift.settle()), shift.on(Timeline.LIVE))
        : withBoundary(null, shift.on(Timeline.REPLAYED));
  }

  /**
   * The next step, starting after this one's last canary window, inheriting comparison windows past
   * it.
   */
  public StepProgress next() {
    return next(Duration.ZERO);
  }

  /**
   * The next step: its shift is taken at this step's last canary window (event time; the decision
   * that commands it is judged on that window) and its evidence counts from {@code settle} later.
   * It inherits the comparison windows past the shift.
   */
  public StepProgress next(Duration settle) {
    StepProgress fresh =
        coveredUntil == null ? startingAfter(null) : startingAt(coveredUntil, settle);
    return fresh
        .withEvidence(samples().carriedPast(coveredUntil))
        .withSequential(sequential.nextStep(this));
  }

  /** Whether {@code window} ends after this step began, so that it can count toward it. */
  public boolean admits(HealthWindow window) {
    return boundary == null || window.windowEnd().isAfter(boundary);
  }

  /**
   * The totals with canary {@code window} added; {@code faults} are the chaos faults that touched
   * it. A window straddling the boundary counts pro rata: its requests and errors scaled by the
   * fraction of its span after the boundary, stored as starting at the boundary; the rest is kept
   * in {@link Shift} for the record.
   */
  public StepProgress add(HealthWindow window, List<ActiveFault> faults) {
    HealthWindow counted = countedPart(window);
    Shift nextShift =
        counted == window || shift == null
            ? shift
            : shift.excluding(
                window.requests() - counted.requests(), window.errors() - counted.errors());
    Instant from = latest(counted.windowStart(), boundary);
    Instant alreadyCovered = coveredUntil == null ? from : latest(from, coveredUntil);
    Duration newlyObserved =
        counted.windowEnd().isAfter(alreadyCovered)
            ? Duration.between(alreadyCovered, counted.windowEnd())
            : Duration.ZERO;
    return new StepProgress(
        boundary,
        windows + 1,
        requests + counted.requests(),
        errors + counted.errors(),
        p95RequestWeightedSum + counted.p95Ms() * counted.requests(),
        p95Sum + counted.p95Ms(),
        Math.max(maxP95Ms, counted.p95Ms()),
        observed.plus(newlyObserved),
        firstWindowStart == null
            ? counted.windowStart()
            : earliest(firstWindowStart, counted.windowStart()),
        coveredUntil == null ? counted.windowEnd() : latest(coveredUntil, counted.windowEnd()),
        samples().with(counted, faults),
        failures,
        extendedFrom,
        nextShift,
        sequential);
  }

  /**
   * Whether {@code window} starts before the boundary and ends after it, so that only its later
   * part counts.
   */
  public boolean straddles(HealthWindow window) {
    return boundary != null
        && window.windowStart().isBefore(boundary)
        && window.windowEnd().isAfter(boundary);
  }

  /**
   * The part of {@code window} after the boundary: q = (end − boundary) / (end − start) of its
   * span, round(q × requests) requests and at most as many errors, round(q × errors). The window
   * itself when it does not straddle the boundary.
   */
  HealthWindow countedPart(HealthWindow window) {
    if (!straddles(window)) {
      return window;
    }
    double q =
        (double) Duration.between(boundary, window.windowEnd()).toMillis()
            / Duration.between(window.windowStart(), window.windowEnd()).toMillis();
    long countedRequests = Math.round(q * window.requests());
    long countedErrors = Math.min(countedRequests, Math.round(q * window.errors()));
    return new HealthWindow(
        window.service(),
        window.version(),
        window.track(),
        boundary,
        window.windowEnd(),
        countedRequests,
        countedErrors,
        window.p50Ms(),
        window.p95Ms(),
        window.p99Ms(),
        window.cpuUtilization(),
        window.memoryUtilization(),
        window.namespace());
  }

  /**
   * The totals with canary {@code window} added, and the anytime-valid tests of {@code policy}
   * updated with its counted part, as window {@link #windows()} + 1 of step {@code stepIndex}.
   */
  public StepProgress add(
      HealthWindow window, List<ActiveFault> faults, Policy policy, int stepIndex) {
    HealthWindow counted = countedPart(window);
    Sequential next = sequential.observe(policy, stepIndex, this, counted, counted != window);
    return add(window, faults).withSequential(next);
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

  /** This progress without its samples, as a judgment keeps it and the experiment row stores it. */
  public StepProgress withoutSamples() {
    return withEvidence(null);
  }

  /** This progress with {@code samples}, as loaded from the step's sample journal. */
  public StepProgress withSamples(StepEvidence samples) {
    return withEvidence(samples);
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
        extendedFrom,
        shift,
        sequential);
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
        observed,
        shift,
        sequential);
  }

  private StepProgress withBoundary(Instant nextBoundary, Shift nextShift) {
    return new StepProgress(
        nextBoundary,
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
        extendedFrom,
        nextShift,
        sequential);
  }

  private StepProgress withSequential(Sequential next) {
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
        extendedFrom,
        shift,
        next);
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
        extendedFrom,
        shift,
        sequential);
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
