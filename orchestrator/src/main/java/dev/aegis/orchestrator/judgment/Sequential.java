package dev.aegis.orchestrator.judgment;

import dev.aegis.orchestrator.judgment.stats.Dispersion;
import dev.aegis.orchestrator.judgment.stats.EValues;
import java.time.Instant;
import java.util.List;

/**
 * The state of the three anytime-valid tests of an experiment (docs/judgment.md, "Anytime tests"),
 * updated on every counted canary window: the error-rate comparison with the reference track, the
 * error-rate SLO, and the p95 comparison. Each keeps the log of its e-value; it crosses when that
 * reaches ln(1/α_e) ({@link Analysis#alphaPerEProcess()}), which under its null hypothesis happens
 * with probability at most α_e however often it is looked at. The e-values run over the whole
 * experiment; the step-local sums below reset at each step, the rest carries.
 *
 * <p>Every bet uses only windows before the one it is placed on (its stake is predictable), which
 * is what makes the product a test supermartingale.
 *
 * @param errors the error-rate comparison (conditional binomial, plug-in alternative)
 * @param latency the p95 comparison (betting on clipped per-window log-ratios)
 * @param slo the error-rate SLO (one-sample binomial, plug-in alternative)
 * @param pairedWindows canary windows of this step paired with reference windows
 * @param pairedCanaryRequests canary requests of those windows (pro-rated parts count fractionally)
 * @param pairedCanaryErrors canary errors of those windows
 * @param pairedReferenceRequests reference requests overlapping them, weighted by overlap
 * @param pairedReferenceErrors reference errors overlapping them, weighted by overlap
 * @param latencyBets latency outcomes of this step
 * @param latencySum their sum
 * @param latencySumSquares the sum of their squares
 * @param latencyLogRatioSum the sum of their unclipped ln(c95 / r95)
 * @param lastRatio the error-rate ratio estimate at the end of the previous step, or null
 * @param lastLambda the latency stake at the end of the previous step, or null
 * @param referenceChiSquare Pearson χ² of the reference windows of earlier steps
 * @param referenceDf its degrees of freedom
 * @param power how far the error-rate comparison could have got against a regression of {@link
 *     Analysis#detectableErrorRatio()} (null, as stored before it existed: {@link Power#NONE})
 */
public record Sequential(
    EProcess errors,
    EProcess latency,
    EProcess slo,
    int pairedWindows,
    double pairedCanaryRequests,
    double pairedCanaryErrors,
    double pairedReferenceRequests,
    double pairedReferenceErrors,
    int latencyBets,
    double latencySum,
    double latencySumSquares,
    double latencyLogRatioSum,
    Double lastRatio,
    Double lastLambda,
    double referenceChiSquare,
    int referenceDf,
    Power power) {

  /** No evidence yet. */
  public static final Sequential START =
      new Sequential(null, null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, null, null, 0, 0, null);

  /**
   * A window's errors count as at most this many errors' worth of evidence: bursts cannot cross.
   */
  static final double ERRORS_PER_WINDOW_CAP = 7;

  /**
   * Bet only once the estimate is this far above the null's boundary, so good runs do not decay.
   */
  static final double BET_MARGIN = 1.25;

  /** The alternative bet on is at most this many times the null's boundary. */
  static final double MAX_BET = 20;

  /** The latency stake before any outcome. */
  static final double FIRST_LAMBDA = 0.5;

  public Sequential {
    errors = errors == null ? EProcess.NONE : errors;
    latency = latency == null ? EProcess.NONE : latency;
    slo = slo == null ? EProcess.NONE : slo;
    power = power == null ? Power.NONE : power;
  }

  /**
   * The expected growth of the error-rate e-process had the canary been {@code ratio}× worse than
   * its reference, summed over the paired windows so far: once it reaches the threshold ln(1/α_e),
   * such a regression would on average have been caught. It says how much more traffic the test
   * needs (docs/judgment.md, "Power").
   *
   * @param logE the expected ln e-value over the experiment's paired windows
   * @param stepLogE the part of it from this step's paired windows
   * @param referenceRequests the reference requests paired over the experiment
   * @param referenceErrors their errors
   */
  public record Power(
      double logE, double stepLogE, double referenceRequests, double referenceErrors) {

    public static final Power NONE = new Power(0, 0, 0, 0);

    Power nextStep() {
      return new Power(logE, 0, referenceRequests, referenceErrors);
    }
  }

  /**
   * One e-process.
   *
   * @param logE ln of its e-value now
   * @param maxLogE the largest ln e-value it reached (its anytime p-value is e^−maxLogE)
   * @param bets windows on which it bet
   * @param crossedAt end of the window at which it first reached its threshold, or null
   * @param crossedStep that window's step (1-based), or null
   * @param crossedWindow that window's number within its step (1-based), or null
   * @param bet the alternative of its last bet (rate ratio, stake or error rate), or null
   * @param dispersion φ̂ used on its last bet (count tests), or null
   */
  public record EProcess(
      double logE,
      double maxLogE,
      int bets,
      Instant crossedAt,
      Integer crossedStep,
      Integer crossedWindow,
      Double bet,
      Double dispersion) {

    public static final EProcess NONE = new EProcess(0, 0, 0, null, null, null, null, null);

    public boolean crossed() {
      return crossedAt != null;
    }

    /** The e-value now. */
    public double eValue() {
      return Math.exp(logE);
    }

    /** min(1, e^−max ln e): valid at any stopping time. */
    public double anytimePValue() {
      return Math.min(1, Math.exp(-maxLogE));
    }

    EProcess bet(
        double increment,
        double alternative,
        Double phi,
        double threshold,
        Instant at,
        int step,
        int window) {
      double next = logE + increment;
      boolean crossesNow = !crossed() && next >= threshold;
      return new EProcess(
          next,
          Math.max(maxLogE, next),
          bets + 1,
          crossesNow ? at : crossedAt,
          crossesNow ? Integer.valueOf(step) : crossedStep,
          crossesNow ? Integer.valueOf(window) : crossedWindow,
          alternative,
          phi);
    }
  }

  /** Whether any of the three has crossed. */
  public boolean anyCrossed() {
    return errors.crossed() || latency.crossed() || slo.crossed();
  }

  /**
   * This state after canary window {@code counted} (its part after the boundary) of step {@code
   * stepIndex}, given the step's evidence {@code before} it; {@code straddled} windows are not bet
   * on for latency, whose p95 describes the whole window.
   */
  Sequential observe(
      Policy policy, int stepIndex, StepProgress before, HealthWindow counted, boolean straddled) {
    Analysis analysis = policy.analysis();
    if (!analysis.sequential() || counted.requests() <= 0) {
      return this;
    }
    double threshold = Math.log(1 / analysis.alphaPerEProcess());
    Step step = new Step(threshold, counted.windowEnd(), stepIndex + 1, (int) before.windows() + 1);
    StepEvidence evidence = before.samples();
    List<WindowSample> track =
        !evidence.baseline().isEmpty() ? evidence.baseline() : evidence.stable();
    Paired paired = Paired.of(track, counted.windowStart(), counted.windowEnd());
    double phi = phi(track.isEmpty() ? evidence.canary() : track, counted.windowStart());
    Sequential next = this;
    next = next.sloBet(policy.slo().maxErrorRate(), before, counted, phi, step);
    if (paired.requests() > 0) {
      if (analysis.estimatesPower()) {
        next = next.powerStep(analysis, policy.slo().maxErrorRate(), counted, paired, phi);
      }
      next = next.errorBet(analysis.errorRateTolerance(), counted, paired, phi, step);
      if (!straddled && paired.p95() > 0 && counted.p95Ms() > 0) {
        next = next.latencyBet(analysis.latencyTolerance(), counted, paired, step);
      }
    }
    return next;
  }

  /** What the next step starts from: the e-values, the estimates and the reference's scatter. */
  Sequential nextStep(StepProgress finished) {
    StepEvidence evidence = finished.samples();
    List<WindowSample> track =
        !evidence.baseline().isEmpty() ? evidence.baseline() : evidence.stable();
    Dispersion scatter = pearson(track, Instant.MAX);
    return new Sequential(
        errors,
        latency,
        slo,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        pairedCanaryErrors + pairedReferenceErrors >= 1
            ? Double.valueOf(ratioEstimate())
            : lastRatio,
        latencyBets > 0 ? Double.valueOf(latencyStake()) : lastLambda,
        referenceChiSquare + scatter.chiSquare(),
        referenceDf + scatter.df(),
        power.nextStep());
  }

  /**
   * Paired windows still needed, at this step's average traffic, before the error-rate comparison
   * could detect {@link Analysis#detectableErrorRatio()}: 0 once it could, null while this step has
   * no paired window to average.
   */
  public Integer windowsToPower(double threshold) {
    double missing = threshold - power.logE();
    if (missing <= 0) {
      return 0;
    }
    if (pairedWindows == 0 || power.stepLogE() <= 0) {
      return null;
    }
    return (int) Math.ceil(missing / (power.stepLogE() / pairedWindows));
  }

  /**
   * The power after one more paired window. The reference's error rate comes from every window
   * paired so far, this one included (an estimate of what the test could see, not a bet, so it need
   * not be predictable), floored at a tenth of the SLO so that a reference without errors does not
   * ask for endless traffic.
   */
  private Sequential powerStep(
      Analysis analysis, double limit, HealthWindow canary, Paired paired, double phi) {
    double referenceRate =
        Math.max(
            limit / 10,
            (power.referenceErrors() + paired.errors() + 0.5)
                / (power.referenceRequests() + paired.requests() + 1));
    double growth =
        EValues.expectedLogGrowth(
            canary.requests(),
            paired.requests(),
            referenceRate,
            1 + analysis.errorRateTolerance(),
            analysis.detectableErrorRatio(),
            phi,
            ERRORS_PER_WINDOW_CAP);
    return new Sequential(
        errors,
        latency,
        slo,
        pairedWindows,
        pairedCanaryRequests,
        pairedCanaryErrors,
        pairedReferenceRequests,
        pairedReferenceErrors,
        latencyBets,
        latencySum,
        latencySumSquares,
        latencyLogRatioSum,
        lastRatio,
        lastLambda,
        referenceChiSquare,
        referenceDf,
        new Power(
            power.logE() + growth,
            power.stepLogE() + growth,
            power.referenceRequests() + paired.requests(),
            power.referenceErrors() + paired.errors()));
  }

  /** The rate-ratio estimate of this step's paired windows so far (with ½ continuity terms). */
  double ratioEstimate() {
    return ((pairedCanaryErrors + 0.5) / (pairedCanaryRequests + 1))
        / ((pairedReferenceErrors + 0.5) / (pairedReferenceRequests + 1));
  }

  /** e^(mean ln(c95 / r95)) over this step's latency outcomes, or null before any. */
  Double latencyRatio() {
    return latencyBets == 0 ? null : Math.exp(latencyLogRatioSum / latencyBets);
  }

  private double latencyStake() {
    return EValues.agrapaLambda(latencyBets, latencySum, latencySumSquares);
  }

  private Sequential errorBet(
      double tolerance, HealthWindow canary, Paired paired, double phi, Step step) {
    double theta = 1 + tolerance;
    double estimate =
        pairedCanaryErrors + pairedReferenceErrors >= 1
            ? ratioEstimate()
            : lastRatio != null ? lastRatio : 2 * theta;
    EProcess nextErrors = errors;
    double k = canary.errors() + paired.errors();
    if (estimate >= BET_MARGIN * theta && k > 0) {
      double bet = Math.min(estimate, MAX_BET * theta);
      double f = canary.requests() / paired.requests();
      double w = 1 / Math.max(phi, k / ERRORS_PER_WINDOW_CAP);
      double increment =
          w * EValues.conditionalLogRatio(canary.errors(), paired.errors(), f, theta, bet);
      nextErrors = errors.bet(increment, bet, phi, step.threshold, step.at, step.step, step.window);
    }
    return new Sequential(
        nextErrors,
        latency,
        slo,
        pairedWindows + 1,
        pairedCanaryRequests + canary.requests(),
        pairedCanaryErrors + canary.errors(),
        pairedReferenceRequests + paired.requests(),
        pairedReferenceErrors + paired.errors(),
        latencyBets,
        latencySum,
        latencySumSquares,
        latencyLogRatioSum,
        lastRatio,
        lastLambda,
        referenceChiSquare,
        referenceDf,
        power);
  }

  private Sequential sloBet(
      double limit, StepProgress before, HealthWindow canary, double phi, Step step) {
    double estimate = (before.errors() + 2) / (before.requests() + 1 / limit);
    if (estimate < BET_MARGIN * limit) {
      return this;
    }
    double bet = Math.min(Math.min(estimate, MAX_BET * limit), 0.999);
    if (bet <= limit) {
      return this;
    }
    double n = canary.requests();
    double w = 1 / Math.max(phi, n * limit / ERRORS_PER_WINDOW_CAP);
    double increment = w * EValues.binomialLogRatio(canary.errors(), n, limit, bet);
    return withSlo(slo.bet(increment, bet, phi, step.threshold, step.at, step.step, step.window));
  }

  private Sequential latencyBet(double tolerance, HealthWindow canary, Paired paired, Step step) {
    double g = EValues.latencyOutcome(canary.p95Ms(), paired.p95(), tolerance);
    double lambda =
        latencyBets == 0 ? (lastLambda != null ? lastLambda : FIRST_LAMBDA) : latencyStake();
    EProcess nextLatency =
        latency.bet(
            EValues.logBetFactor(lambda, g),
            lambda,
            null,
            step.threshold,
            step.at,
            step.step,
            step.window);
    return new Sequential(
        errors,
        nextLatency,
        slo,
        pairedWindows,
        pairedCanaryRequests,
        pairedCanaryErrors,
        pairedReferenceRequests,
        pairedReferenceErrors,
        latencyBets + 1,
        latencySum + g,
        latencySumSquares + g * g,
        latencyLogRatioSum + Math.log(canary.p95Ms() / paired.p95()),
        lastRatio,
        lastLambda,
        referenceChiSquare,
        referenceDf,
        power);
  }

  private Sequential withSlo(EProcess next) {
    return new Sequential(
        errors,
        latency,
        next,
        pairedWindows,
        pairedCanaryRequests,
        pairedCanaryErrors,
        pairedReferenceRequests,
        pairedReferenceErrors,
        latencyBets,
        latencySum,
        latencySumSquares,
        latencyLogRatioSum,
        lastRatio,
        lastLambda,
        referenceChiSquare,
        referenceDf,
        power);
  }

  /**
   * φ̂ = max(1, (χ² + 8) / (df + 4)) over {@code windows} ending at or before {@code from} plus
   * earlier steps' reference: a prior worth 4 degrees of freedom at φ = 2, and only windows before
   * the bet, so the weight never depends on the outcome it weighs.
   */
  private double phi(List<WindowSample> windows, Instant from) {
    Dispersion scatter = pearson(windows, from);
    double chi = referenceChiSquare + scatter.chiSquare();
    int df = referenceDf + scatter.df();
    return Math.max(1, (chi + 8) / (df + 4));
  }

  /**
   * Pearson's dispersion of the {@code samples} ending at or before {@code until}. Runs on every
   * window: read in place from the primitive arrays the evidence keeps beside its samples.
   */
  private static Dispersion pearson(List<WindowSample> samples, Instant until) {
    return Samples.of(samples).dispersionUntil(until);
  }

  /** Where a bet lands: its threshold, the window's end, step and number. */
  private record Step(double threshold, Instant at, int step, int window) {}

  /**
   * The reference over a canary window's span: each overlapping reference window weighted by the
   * fraction of it inside the span; p95 weighted by those requests.
   */
  record Paired(double requests, double errors, double p95) {

    static Paired of(List<WindowSample> reference, Instant from, Instant to) {
      double n = 0;
      double x = 0;
      double weightedP95 = 0;
      Samples kept = Samples.of(reference);
      for (int i = 0; i < kept.size(); i++) {
        double share = kept.overlap(i, from, to);
        if (share > 0) {
          n += share * kept.requests(i);
          x += share * kept.errors(i);
          weightedP95 += share * kept.requests(i) * kept.p95Ms(i);
        }
      }
      return new Paired(n, x, n > 0 ? weightedP95 / n : 0);
    }
  }
}
